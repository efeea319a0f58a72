"""Where articles come from besides a URL or a file: RSS and Atom feeds (feeds.py), the
feed a web page names (discover.py), and public Telegram channels (telegram.py)."""
