"""Study groups: members share their progress through a PostgreSQL database."""
