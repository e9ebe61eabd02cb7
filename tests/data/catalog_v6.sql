-- A schema-6 catalog as photoalbum made it before albums (3 photos, one gone; model 'm').
BEGIN TRANSACTION;
CREATE TABLE embeddings (
	photo_id INTEGER NOT NULL, 
	model_key VARCHAR NOT NULL, 
	vector BLOB NOT NULL, 
	dim INTEGER NOT NULL, 
	generation INTEGER NOT NULL, 
	PRIMARY KEY (photo_id, model_key), 
	FOREIGN KEY(photo_id) REFERENCES photos (id) ON DELETE CASCADE
);
INSERT INTO "embeddings" VALUES(1,'m',X'C33D8A3D0F4091BD8D09B03E45AD663D3A3E93BEC5C9463E3B38333F502A023F',8,1);
INSERT INTO "embeddings" VALUES(2,'m',X'61B82B3E6021CC3E9331243E5AE221BF59EFE03E85CD5D3ED56785BEDA60903E',8,1);
INSERT INTO "embeddings" VALUES(3,'m',X'1874623D6D8A1CBEBD63F7BD56C736BFD9BB063F7550AB3E7CE6C2BDCBB8673E',8,1);
CREATE TABLE faces (
	id INTEGER NOT NULL, 
	photo_id INTEGER NOT NULL, 
	x FLOAT NOT NULL, 
	y FLOAT NOT NULL, 
	w FLOAT NOT NULL, 
	h FLOAT NOT NULL, 
	landmarks TEXT NOT NULL, 
	score FLOAT NOT NULL, 
	descriptor BLOB NOT NULL, 
	crop VARCHAR, 
	person_id INTEGER, 
	pinned BOOLEAN NOT NULL, 
	seen BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(photo_id) REFERENCES photos (id) ON DELETE CASCADE, 
	FOREIGN KEY(person_id) REFERENCES people (id) ON DELETE SET NULL
);
CREATE TABLE keyword_revision (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT INTO "keyword_revision" VALUES(1,3);
CREATE TABLE meta (
	"key" VARCHAR NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
INSERT INTO "meta" VALUES('schema_version','6');
INSERT INTO "meta" VALUES('created_at','2026-12-07T06:17:59');
CREATE TABLE model_generations (
	model_key VARCHAR NOT NULL, 
	generation INTEGER NOT NULL, 
	dim INTEGER, 
	PRIMARY KEY (model_key)
);
INSERT INTO "model_generations" VALUES('m',2,8);
CREATE TABLE pass_state (
	photo_id INTEGER NOT NULL, 
	pass_name VARCHAR NOT NULL, 
	version INTEGER NOT NULL, 
	fingerprint VARCHAR, 
	status VARCHAR NOT NULL, 
	reason TEXT, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (photo_id, pass_name), 
	CONSTRAINT ck_pass_state_status CHECK (status IN ('done', 'failed')), 
	FOREIGN KEY(photo_id) REFERENCES photos (id) ON DELETE CASCADE
);
CREATE TABLE people (
	id INTEGER NOT NULL, 
	name TEXT, 
	hidden BOOLEAN NOT NULL, 
	excluded BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE photo_text (
	photo_id INTEGER NOT NULL, 
	lines TEXT NOT NULL, 
	text TEXT NOT NULL, 
	PRIMARY KEY (photo_id), 
	FOREIGN KEY(photo_id) REFERENCES photos (id) ON DELETE CASCADE
);
CREATE TABLE photos (
	id INTEGER NOT NULL, 
	root_id INTEGER NOT NULL, 
	path TEXT NOT NULL, 
	size INTEGER NOT NULL, 
	mtime_ns INTEGER NOT NULL, 
	fingerprint VARCHAR, 
	status VARCHAR NOT NULL, 
	reason TEXT, 
	width INTEGER, 
	height INTEGER, 
	taken_at DATETIME, 
	shot_at DATETIME, 
	camera_make TEXT, 
	camera_model TEXT, 
	camera TEXT, 
	orientation INTEGER, 
	gps_lat FLOAT, 
	gps_lon FLOAT, 
	indexed_at DATETIME, 
	search_text TEXT, 
	PRIMARY KEY (id), 
	CONSTRAINT ck_photos_status CHECK (status IN ('pending', 'indexed', 'failed', 'gone')), 
	FOREIGN KEY(root_id) REFERENCES roots (id) ON DELETE CASCADE, 
	UNIQUE (path)
);
INSERT INTO "photos" VALUES(1,1,'/pics/p0.jpg',100,1600000000000000000,'fp0','indexed',NULL,40,30,NULL,'2020-09-13 12:26:40.000000','Make','M','make m',1,NULL,NULL,'2026-12-07 06:17:59.357769','pics/p0.jpg
make m');
INSERT INTO "photos" VALUES(2,1,'/pics/p1.jpg',101,1600000000000000001,'fp1','indexed',NULL,40,30,'2020-01-02 12:00:00.000000','2020-01-02 12:00:00.000000','Make','M','make m',1,NULL,NULL,'2026-12-07 06:17:59.357769','pics/p1.jpg
make m');
INSERT INTO "photos" VALUES(3,1,'/pics/p2.jpg',102,1600000000000000002,'fp2','gone',NULL,40,30,'2020-01-03 12:00:00.000000','2020-01-03 12:00:00.000000','Make','M','make m',1,NULL,NULL,'2026-12-07 06:17:59.357769','pics/p2.jpg
make m');
CREATE TABLE removed_files (
	path TEXT NOT NULL, 
	root_id INTEGER NOT NULL, 
	size INTEGER NOT NULL, 
	mtime_ns INTEGER NOT NULL, 
	fingerprint VARCHAR, 
	removed_at DATETIME NOT NULL, 
	PRIMARY KEY (path), 
	FOREIGN KEY(root_id) REFERENCES roots (id) ON DELETE CASCADE
);
CREATE TABLE roots (
	id INTEGER NOT NULL, 
	path TEXT NOT NULL, 
	added_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (path)
);
INSERT INTO "roots" VALUES(1,'/pics','2026-12-07 06:17:59.333099');
CREATE TABLE settings (
	"key" VARCHAR NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);
CREATE INDEX ix_photos_status ON photos (status);
CREATE INDEX ix_photos_live_shot_at ON photos (shot_at) WHERE status = 'indexed';
CREATE INDEX ix_photos_root ON photos (root_id);
CREATE INDEX ix_photos_fingerprint ON photos (fingerprint);
CREATE INDEX ix_photos_live_camera ON photos (camera) WHERE status = 'indexed';
CREATE INDEX ix_removed_files_root ON removed_files (root_id);
CREATE INDEX ix_embeddings_model ON embeddings (model_key, photo_id, generation);
CREATE INDEX ix_pass_state_pass ON pass_state (pass_name, photo_id);
CREATE TRIGGER photos_keywords_insert AFTER INSERT ON photos BEGIN UPDATE keyword_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER photos_keywords_update AFTER UPDATE OF search_text ON photos BEGIN UPDATE keyword_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER photos_keywords_delete AFTER DELETE ON photos BEGIN UPDATE keyword_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER photo_text_keywords_insert AFTER INSERT ON photo_text BEGIN UPDATE keyword_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER photo_text_keywords_update AFTER UPDATE OF text ON photo_text BEGIN UPDATE keyword_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER photo_text_keywords_delete AFTER DELETE ON photo_text BEGIN UPDATE keyword_revision SET n = n + 1 WHERE id = 1; END;
CREATE INDEX ix_faces_person ON faces (person_id);
CREATE INDEX ix_faces_photo ON faces (photo_id);
COMMIT;
