"""Backup and restore (``flask backup PATH``, ``flask restore PATH``): the database, the stored
files and the signing keys in one archive, encrypted with a passphrase (``crypto``).

- SQLite: a consistent copy through the online backup API, taken while the app keeps writing;
  PostgreSQL: ``pg_dump`` (one snapshot), restored with ``pg_restore``.  The stored files are
  copied after the database snapshot, so every file a row of that snapshot names is in the
  archive (files are written before their rows commit).
- ``manifest.json`` lists the database kind, the migration revision, the audit log's size and
  head, and every file with its SHA-256; a restore checks each file against it.
- A restore never overwrites: it refuses a target database that has tables, and a key folder
  that holds keys, unless told ``--force``.

After a restore, the audit log may be older than a checkpoint this installation already
published; ``witness`` notices that at start-up and the signer refuses to seal over it."""
