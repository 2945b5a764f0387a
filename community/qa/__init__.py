"""Questions and answers: services (writes), selectors (reads), routing, reputation, views and API."""
