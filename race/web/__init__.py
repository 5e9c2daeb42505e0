"""HTTP blueprints: thin views over the core, the store and the database."""
