"""Browser benchmarks of the web app's image workspace: ``python -m bench.browser.run``."""
