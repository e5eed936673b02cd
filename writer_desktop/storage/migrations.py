"""The story file's schema, as numbered migration steps; PRAGMA user_version holds the number."""

from __future__ import annotations

import sqlite3

# Identifies a Writer Assistant story among SQLite files (PRAGMA application_id): "WrAs".
APPLICATION_ID = 0x57724173

# Step N brings a file from version N-1 to N. Never edit a released step: add one.
MIGRATIONS: dict[int, str] = {
    1: """
        CREATE TABLE story (
            id INTEGER PRIMARY KEY,
            title VARCHAR NOT NULL DEFAULT 'Untitled story',
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL
        );
        CREATE TABLE chapters (
            id INTEGER PRIMARY KEY,
            position INTEGER NOT NULL,
            title VARCHAR NOT NULL,
            content TEXT NOT NULL DEFAULT '',
            updated_at DATETIME NOT NULL
        );
        CREATE INDEX ix_chapters_position ON chapters (position);
        CREATE TABLE characters (
            id INTEGER PRIMARY KEY,
            position INTEGER NOT NULL,
            name VARCHAR NOT NULL,
            role VARCHAR NOT NULL DEFAULT '',
            bio TEXT NOT NULL DEFAULT '',
            goals TEXT NOT NULL DEFAULT '',
            current_state TEXT NOT NULL DEFAULT '',
            traits JSON NOT NULL DEFAULT '[]'
        );
        CREATE TABLE plot_elements (
            id INTEGER PRIMARY KEY,
            position INTEGER NOT NULL,
            type VARCHAR NOT NULL,
            content TEXT NOT NULL DEFAULT '',
            priority VARCHAR NOT NULL DEFAULT 'medium',
            tags JSON NOT NULL DEFAULT '[]'
        );
    """,
    # 2: plot elements carry free metadata; chapters keep snapshots (version history).
    2: """
        ALTER TABLE plot_elements ADD COLUMN metadata JSON NOT NULL DEFAULT '{}';
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY,
            chapter_id INTEGER NOT NULL REFERENCES chapters (id) ON DELETE CASCADE,
            content TEXT NOT NULL,
            reason VARCHAR NOT NULL DEFAULT '',
            created_at DATETIME NOT NULL
        );
        CREATE INDEX ix_snapshots_chapter ON snapshots (chapter_id);
    """,
    # 3: summaries written by the model, keyed by what they summarise and its hash.
    3: """
        CREATE TABLE summaries (
            id INTEGER PRIMARY KEY,
            kind VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            summary TEXT NOT NULL,
            model VARCHAR NOT NULL DEFAULT '',
            created_at DATETIME NOT NULL,
            UNIQUE (kind, content_hash)
        );
    """,
    # 4: outline-only chapters, agent feedback per chapter, chat conversations.
    4: """
        ALTER TABLE chapters ADD COLUMN outline TEXT NOT NULL DEFAULT '';
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            chapter_id INTEGER NOT NULL REFERENCES chapters (id) ON DELETE CASCADE,
            agent VARCHAR NOT NULL,
            character_name VARCHAR NOT NULL DEFAULT '',
            content TEXT NOT NULL,
            scores JSON,
            model VARCHAR NOT NULL DEFAULT '',
            created_at DATETIME NOT NULL
        );
        CREATE INDEX ix_feedback_chapter ON feedback (chapter_id, agent);
        CREATE TABLE chat_messages (
            id INTEGER PRIMARY KEY,
            conversation INTEGER NOT NULL,
            role VARCHAR NOT NULL,
            content TEXT NOT NULL,
            created_at DATETIME NOT NULL
        );
        CREATE INDEX ix_chat_conversation ON chat_messages (conversation);
    """,
    # 5: a trash for chapters: a deleted chapter keeps its row (and its snapshots and
    # feedback) with the time it was deleted, until the trash is emptied.
    5: """
        ALTER TABLE chapters ADD COLUMN deleted_at DATETIME;
        CREATE INDEX ix_chapters_deleted ON chapters (deleted_at);
    """,
    # 6: who wrote what (the stretches of a chapter the AI wrote and the author has not
    # edited since, as [start, end] positions in its paragraph text), the words the
    # author added to the spelling dictionary of this story, and titled plot elements.
    6: """
        ALTER TABLE chapters ADD COLUMN ai_ranges JSON NOT NULL DEFAULT '[]';
        ALTER TABLE plot_elements ADD COLUMN title VARCHAR NOT NULL DEFAULT '';
        CREATE TABLE dictionary_words (
            word VARCHAR PRIMARY KEY
        );
    """,
}

SCHEMA_VERSION = max(MIGRATIONS)


def migrate(connection: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Run the steps from the file's version to `target`, each in one transaction."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    for step in range(version + 1, target + 1):
        # executescript commits first; the explicit BEGIN makes each step all-or-nothing.
        try:
            connection.executescript(
                f"BEGIN;\n{MIGRATIONS[step]}\n"
                f"PRAGMA application_id = {APPLICATION_ID};\nPRAGMA user_version = {step};\nCOMMIT;"
            )
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    return connection.execute("PRAGMA user_version").fetchone()[0]
