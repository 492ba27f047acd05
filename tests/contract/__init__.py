"""Unit tests of the contract suite (contract_tests/): the units they test are imported directly."""
