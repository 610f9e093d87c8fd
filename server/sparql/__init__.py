"""The SPARQL 1.1 Protocol endpoint: the protocol blueprint, the query guard and the killable query workers."""
