"""Reading event files: decoding, run discovery, tailing, the columnar store, snapshots."""
