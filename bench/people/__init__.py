"""The people's-questions evaluation: public datasets, the question set, and its scoring."""
