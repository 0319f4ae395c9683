"""Articles get a normalised search form (``search_text``) for ``--text``.

``rasad events --text`` / ``rasad articles --text`` matched the raw title and text with
LIKE, so a query spelled "الباغوز" missed "الباغوز" and "إطلاق" missed "اطلاق".  The new
column holds title and text through worker.text.normalize (the normaliser every Arabic
match in Rasad uses) and lower-cased; the query is normalised the same way.  Existing
rows are filled here, in batches, from their stored title and text.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 06:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

BATCH = 500  # rows per read: an archive of millions of articles is filled in bounded memory


def upgrade() -> None:
    from worker.archive.writer import search_form

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=True))
    connection = op.get_bind()
    table = sa.table('articles', sa.column('id', sa.Integer), sa.column('title', sa.Text),
                     sa.column('text', sa.Text), sa.column('search_text', sa.Text))
    last = -1
    while True:
        rows = connection.execute(
            sa.select(table.c.id, table.c.title, table.c.text)
            .where(table.c.id > last).order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            break
        connection.execute(
            table.update().where(table.c.id == sa.bindparam('row_id'))
            .values(search_text=sa.bindparam('form')),
            [{'row_id': r.id, 'form': search_form(r.text or r.title)} for r in rows])
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('search_text')
