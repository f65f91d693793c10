#!/usr/bin/env python3
"""make_instagram_seed.py OUT — a small iOS Instagram direct database for the
instagram_ios fuzz target: the documented tables, and messages whose
archives are NSKeyedArchiver graphs (binary plists) written here."""
import os, plistlib, sqlite3, sys
from plistlib import UID

def archive(objects):
    return plistlib.dumps({'$version': 100000, '$archiver': 'NSKeyedArchiver',
                           '$top': {'root': UID(1)}, '$objects': objects},
                          fmt=plistlib.FMT_BINARY)

def cls(name):
    return {'$classname': name, '$classes': [name, 'NSObject']}

def message(sender, t, content_fields, subtype):
    objs = ['$null', None,
            {'NSString*senderPk': UID(4), 'NSString*threadId': UID(5),
             'NSDate*serverTimestamp': UID(6), 'NSString*serverId': UID(8), '$class': UID(9)},
            None, sender, 't1', {'NS.time': t, '$class': UID(7)}, cls('NSDate'), 's1',
            cls('IGDirectPublishedMessageMetadata'), subtype]
    content = {'codedSubtype': UID(10), '$class': UID(len(objs))}
    objs.append(cls('IGDirectPublishedMessageContent'))
    for key, value in content_fields.items():
        content[key] = UID(len(objs))
        objs.append(value)
    objs[3] = content
    objs[1] = {'IGDirectPublishedMessageMetadata*metadata': UID(2),
               'IGDirectPublishedMessageContent*content': UID(3),
               'IGDirectForwardMetadata*forwardMetadata': UID(0),
               '$class': UID(len(objs))}
    objs.append(cls('IGDirectPublishedMessage'))
    return archive(objs)

out = sys.argv[1]
if os.path.exists(out):
    os.remove(out)
db = sqlite3.connect(out)
db.execute('PRAGMA page_size = 512')
db.execute('CREATE TABLE threads (thread_id TEXT UNIQUE NOT NULL, thread_id_v2 TEXT, '
           'viewer_id TEXT NOT NULL, metadata BLOB, row_id INTEGER PRIMARY KEY AUTOINCREMENT)')
db.execute('CREATE TABLE messages (message_id TEXT NOT NULL, thread_id TEXT NOT NULL, '
           'archive BLOB NOT NULL, class_name TEXT NOT NULL, row_id INTEGER PRIMARY KEY AUTOINCREMENT)')
users = archive(['$null', {'NSArray<IGUser *>*users': UID(2), '$class': UID(6)},
                 {'NS.objects': [UID(3)], '$class': UID(5)},
                 {'pk': UID(4), 'userName': UID(4), '$class': UID(7)}, '42', cls('NSArray'),
                 cls('IGDirectThread'), cls('IGUser')])
db.execute("INSERT INTO threads (thread_id, viewer_id, metadata) VALUES ('t1', '7', ?)", (users,))
rows = [
    message('7', 606597122.8084569, {'NSString*string': 'hello'}, 'SUBTYPE_TEXT'),
    message('42', 606793277.1641159, {'IGDirectThreadActivityAnnouncement*threadActivity':
            {'NSString*voipTitle': 'Video chat ended', 'IGDirectVideoCallEventTypevoipEventType': 4}},
            'SUBTYPE_THREAD_ACTIVITY'),
]
for i, a in enumerate(rows):
    db.execute("INSERT INTO messages (message_id, thread_id, archive, class_name) VALUES (?, 't1', ?, "
               "'IGDirectPublishedMessage')", ('m%d' % i, a))
db.commit()
db.close()
