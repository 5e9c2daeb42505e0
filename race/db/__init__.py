"""The results database: models, migrations, queries and the results sink."""
