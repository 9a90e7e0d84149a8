"""Provider accounts: encrypted keys, balances and cached catalogs."""
