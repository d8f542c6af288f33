"""Touchpoint and sentiment classification: the taxonomy, labeled data, features, estimators, model files, training and the classify stage."""
