#!/bin/sh
# Runs once, when the database container first initialises its data directory: the role Tributary logs in as owns
# the database and may create the runtime role it switches to, but is no superuser.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE tributary LOGIN NOSUPERUSER CREATEROLE PASSWORD '${TRIBUTARY_DB_PASSWORD}';
CREATE DATABASE tributary OWNER tributary;
SQL
