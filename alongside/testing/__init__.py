"""Test support shared by every app's tests: factories, query-count and concurrency helpers,
and the real-browser helpers. Production code never imports this package."""
