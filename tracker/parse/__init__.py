"""Pure parsers: bytes and a base URL in, domain objects out. No network, no database."""
