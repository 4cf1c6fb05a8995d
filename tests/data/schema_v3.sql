-- A database as release 0.1 (schema version 3) created it: every table built
-- from the models of that day, so item_count has no default (a v1 database
-- upgraded by 0.1 has DEFAULT 0 there). Tests upgrade it in place.
PRAGMA user_version = 3;
CREATE TABLE item (id INTEGER NOT NULL, title VARCHAR NOT NULL, url VARCHAR, kind VARCHAR, tags VARCHAR NOT NULL, active BOOLEAN NOT NULL, PRIMARY KEY (id));
CREATE TABLE link_check (id INTEGER NOT NULL, item_id INTEGER NOT NULL, url VARCHAR NOT NULL, verdict VARCHAR NOT NULL, http_status INTEGER, final_url VARCHAR, moved_to VARCHAR, reason VARCHAR NOT NULL, elapsed_ms INTEGER NOT NULL, checked_at VARCHAR NOT NULL, PRIMARY KEY (id));
CREATE INDEX ix_link_check_item ON link_check (item_id, checked_at);
CREATE INDEX ix_link_check_url ON link_check (url, checked_at);
CREATE TABLE meta ("key" VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE migration (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL, PRIMARY KEY (version));
CREATE TABLE note (id INTEGER NOT NULL, item_id INTEGER NOT NULL, text TEXT NOT NULL, created_at VARCHAR NOT NULL, PRIMARY KEY (id));
CREATE INDEX ix_note_item_id ON note (item_id);
CREATE TABLE placement (stage_id INTEGER NOT NULL, position INTEGER NOT NULL, item_id INTEGER NOT NULL, PRIMARY KEY (stage_id, position));
CREATE INDEX ix_placement_item ON placement (item_id);
CREATE TABLE progress (item_id INTEGER NOT NULL, status VARCHAR NOT NULL, started_at VARCHAR, done_at VARCHAR, updated_at VARCHAR NOT NULL, PRIMARY KEY (item_id));
CREATE INDEX ix_progress_done_at ON progress (done_at);
CREATE TABLE stage (id INTEGER NOT NULL, track_slug VARCHAR NOT NULL, slug VARCHAR NOT NULL, position INTEGER NOT NULL, title VARCHAR NOT NULL, title_en VARCHAR, item_count INTEGER NOT NULL, PRIMARY KEY (id), UNIQUE (track_slug, slug));
CREATE INDEX ix_stage_order ON stage (track_slug, position);
CREATE TABLE track (slug VARCHAR NOT NULL, position INTEGER NOT NULL, title VARCHAR NOT NULL, title_en VARCHAR, source_document VARCHAR, source_author VARCHAR, source_published VARCHAR, source_url VARCHAR, item_count INTEGER NOT NULL, PRIMARY KEY (slug));
CREATE VIRTUAL TABLE item_search USING fts5(title, tokenize='trigram');

INSERT INTO meta VALUES ('seed_sha256', 'a-catalogue-synced-by-release-0.1');
INSERT INTO meta VALUES ('current_track', 'cv-path');
INSERT INTO migration VALUES (1, 'initial schema', '2026-03-02T08:00:00+00:00');
INSERT INTO migration VALUES (2, 'notes table and title search index', '2026-03-02T08:00:00+00:00');
INSERT INTO migration VALUES (3, 'link check history', '2026-03-02T08:00:00+00:00');
INSERT INTO track VALUES ('basics', 0, '深度学习基础', 'Basics', 'basics.md', NULL, NULL, NULL, 2);
INSERT INTO track VALUES ('cv-path', 1, 'CV 算法工程师之路', 'CV path', 'cv.md', NULL, NULL, NULL, 0);
INSERT INTO stage VALUES (1, 'basics', 'resources', 0, '一、学习资源', 'Resources', 2);
INSERT INTO item VALUES (1, '卷积神经网络入门', 'https://example.org/cnn', 'article', '[]', 1);
INSERT INTO item VALUES (2, '深度学习资料大全', 'https://example.org/all', 'article', '[]', 1);
INSERT INTO item VALUES (7, '一篇已经下架的文章', 'https://example.org/gone', 'article', '[]', 0);
INSERT INTO item_search (rowid, title) VALUES (1, '卷积神经网络入门'), (2, '深度学习资料大全');
INSERT INTO placement VALUES (1, 0, 1);
INSERT INTO placement VALUES (1, 1, 2);
INSERT INTO progress VALUES (1, 'done', '2026-03-06T09:00:00+00:00', '2026-03-07T21:30:00+00:00', '2026-03-07T21:30:00+00:00');
INSERT INTO progress VALUES (2, 'reading', '2026-03-08T10:00:00+00:00', NULL, '2026-03-08T10:00:00+00:00');
INSERT INTO progress VALUES (7, 'skipped', NULL, NULL, '2026-03-02T10:00:00+00:00');
INSERT INTO note VALUES (1, 1, '第二遍再看', '2026-03-07T21:30:00+00:00');
INSERT INTO note VALUES (2, 7, '链接失效', '2026-03-02T10:00:00+00:00');
INSERT INTO link_check VALUES (1, 1, 'https://example.org/cnn', 'dead', 404, 'https://example.org/cnn', NULL, '404 Not Found', 12, '2026-03-09T06:00:00+00:00');
