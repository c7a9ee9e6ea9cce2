"""Search indexes for the public portal (E2): on PostgreSQL, a GIN index over the character
bigrams of the published results' names, so that "name contains" stays fast at 1,000,000 rows.

pg_trgm does index CJK text under C.UTF-8 (each character is a word character there), but a
pattern needs three characters to give a trigram; Chinese searches are mostly two to four
characters, so a two-character search would scan every row. Bigrams cover two characters.
Common text (thousands of matches) is better served by walking the newest results in order and
stopping after a page: a covering index (published_on, id) INCLUDE (subject_name) lets that walk
read no table rows. On SQLite nothing is created (the existing subject_name index serves a county).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}'::text[])
  FROM generate_series(1, char_length(t) - 1) AS i
$$
"""
INDEX = """
CREATE INDEX IF NOT EXISTS portal_pub_name_bigrams ON publication_resultpublication
USING gin (portal_bigrams(subject_name))
WHERE state IN ('published', 'corrected')
"""
# The newest public results with their names, for an index-only walk when the text is common.
ORDER_INDEX = """
CREATE INDEX IF NOT EXISTS portal_pub_public_order_name ON publication_resultpublication
(published_on DESC, id DESC) INCLUDE (subject_name)
WHERE state IN ('published', 'corrected')
"""
CODE_INDEX = """
CREATE INDEX IF NOT EXISTS portal_pub_code_public ON publication_resultpublication
(subject_code, published_on DESC, id DESC)
WHERE state IN ('published', 'corrected')
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in (FUNCTION, INDEX, ORDER_INDEX, CODE_INDEX):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS portal_pub_code_public")
    schema_editor.execute("DROP INDEX IF EXISTS portal_pub_public_order_name")
    schema_editor.execute("DROP INDEX IF EXISTS portal_pub_name_bigrams")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("publication", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
