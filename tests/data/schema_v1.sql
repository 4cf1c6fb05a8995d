-- A database as the first schema (version 1) left it: one note per item in
-- progress.note, no search index, no per-track counts. Tests upgrade it in place.
PRAGMA user_version = 1;
CREATE TABLE meta (key VARCHAR NOT NULL, value VARCHAR NOT NULL, PRIMARY KEY (key));
CREATE TABLE migration (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at VARCHAR NOT NULL, PRIMARY KEY (version));
CREATE TABLE track (slug VARCHAR NOT NULL, position INTEGER NOT NULL, title VARCHAR NOT NULL, title_en VARCHAR, source_document VARCHAR, source_author VARCHAR, source_published VARCHAR, source_url VARCHAR, PRIMARY KEY (slug));
CREATE TABLE stage (id INTEGER NOT NULL, track_slug VARCHAR NOT NULL, slug VARCHAR NOT NULL, position INTEGER NOT NULL, title VARCHAR NOT NULL, title_en VARCHAR, PRIMARY KEY (id), UNIQUE (track_slug, slug));
CREATE INDEX ix_stage_track_slug ON stage (track_slug);
CREATE TABLE item (id INTEGER NOT NULL, title VARCHAR NOT NULL, url VARCHAR, kind VARCHAR, tags VARCHAR NOT NULL, active BOOLEAN NOT NULL, PRIMARY KEY (id));
CREATE TABLE placement (stage_id INTEGER NOT NULL, position INTEGER NOT NULL, item_id INTEGER NOT NULL, PRIMARY KEY (stage_id, position));
CREATE INDEX ix_placement_item ON placement (item_id);
CREATE TABLE progress (item_id INTEGER NOT NULL, status VARCHAR NOT NULL, started_at VARCHAR, done_at VARCHAR, updated_at VARCHAR NOT NULL, note VARCHAR, PRIMARY KEY (item_id));
CREATE INDEX ix_progress_done_at ON progress (done_at);

INSERT INTO meta VALUES ('seed_sha256', 'a-catalogue-synced-by-version-1');
INSERT INTO meta VALUES ('current_track', 'cv-path');
INSERT INTO migration VALUES (1, 'initial schema', '2026-01-05T08:00:00+00:00');
INSERT INTO track VALUES ('basics', 0, '深度学习基础', 'Basics', 'basics.md', NULL, NULL, NULL);
INSERT INTO track VALUES ('cv-path', 1, 'CV 算法工程师之路', 'CV path', 'cv.md', NULL, NULL, NULL);
INSERT INTO stage VALUES (1, 'basics', 'resources', 0, '一、学习资源', 'Resources');
INSERT INTO stage VALUES (2, 'cv-path', 'step-01', 0, '1、Linux', 'Linux');
INSERT INTO item VALUES (1, '卷积神经网络入门', 'https://example.org/cnn', 'article', '[]', 1);
INSERT INTO item VALUES (2, '深度学习资料大全', 'https://example.org/all', 'article', '[]', 1);
INSERT INTO item VALUES (7, '一篇已经下架的文章', 'https://example.org/gone', 'article', '[]', 0);
INSERT INTO placement VALUES (1, 0, 1);
INSERT INTO placement VALUES (1, 1, 2);
INSERT INTO progress VALUES (1, 'done', '2026-01-06T09:00:00+00:00', '2026-01-07T21:30:00+00:00', '2026-01-07T21:30:00+00:00', '第二遍再看');
INSERT INTO progress VALUES (2, 'reading', '2026-01-08T10:00:00+00:00', NULL, '2026-01-08T10:00:00+00:00', NULL);
INSERT INTO progress VALUES (7, 'skipped', NULL, NULL, '2026-01-02T10:00:00+00:00', '链接失效');
