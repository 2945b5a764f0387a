"""Search backends behind one interface (base.SearchBackend): database and Elasticsearch."""
