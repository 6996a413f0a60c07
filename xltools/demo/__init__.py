"""The demo: simulated returns and a two-quarter run on the bundled Wuhan sample."""
