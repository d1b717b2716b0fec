"""Pure: the vendor gazetteer and its matching rules, loaded from data files."""
