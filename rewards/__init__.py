"""Using the results (DOMAIN §7): salary raises within budget, the talent grid, alignment."""
