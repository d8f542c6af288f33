"""Text preparation: Unicode normalisation, language identification, redaction of personal data, the prepare stage, sentence and clause segmentation, tokens."""
