/*
 * schema.h - the store's schema and its migrations (private to the core).
 *
 * schema_migrations[i] takes a store from user_version i to i+1.  A new
 * store runs them all.  Never edit a released migration: add one.
 */
#ifndef HALL_SCHEMA_H
#define HALL_SCHEMA_H

/* 'HALL' in PRAGMA application_id marks a file as a hall store. */
#define SCHEMA_APPLICATION_ID 0x48414C4C

extern const char *const schema_migrations[];
extern const int schema_nmigrations;

#endif
