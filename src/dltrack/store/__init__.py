"""The SQLite store: schema, migrations, connection and catalogue sync."""
