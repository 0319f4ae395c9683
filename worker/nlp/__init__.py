"""NLP stage: tokenisation, named entities (stanza), gazetteer linking, events, casualties."""
