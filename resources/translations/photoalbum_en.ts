<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AdjustDateDialog</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/dialogs/corrections.py" line="+51"/>
        <source>%Ln photo(s). Kept in the library; the files are not changed.</source>
        <translation>
            <numerusform>%Ln photo. Kept in the library; the file is not changed.</numerusform>
            <numerusform>%Ln photos. Kept in the library; the files are not changed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlbumsController</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/controllers/albums.py" line="+252"/>
        <source>Exported %Ln photo(s)</source>
        <translation>
            <numerusform>Exported %Ln photo</numerusform>
            <numerusform>Exported %Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%1; %Ln missing photo(s) skipped</source>
        <translation>
            <numerusform>%1; %Ln missing photo skipped</numerusform>
            <numerusform>%1; %Ln missing photos skipped</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlbumsPanel</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/widgets/albums_panel.py" line="+154"/>
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%1: %2, %Ln missing</source>
        <translation>
            <numerusform>%1: %2, %Ln missing</numerusform>
            <numerusform>%1: %2, %Ln missing</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+26"/>
        <source>%Ln photo(s) of this album are missing: no file has them any more.</source>
        <translation>
            <numerusform>%Ln photo of this album is missing: no file has it any more.</numerusform>
            <numerusform>%Ln photos of this album are missing: no file has them any more.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlbumsWorker</name>
    <message numerus="yes">
        <location filename="../../photoalbum/workers/albums_worker.py" line="+265"/>
        <source>Made the album “%1” with %Ln photo(s)</source>
        <translation>
            <numerusform>Made the album “%1” with %Ln photo</numerusform>
            <numerusform>Made the album “%1” with %Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+43"/>
        <source>Added %Ln photo(s) to “%1”</source>
        <translation>
            <numerusform>Added %Ln photo to “%1”</numerusform>
            <numerusform>Added %Ln photos to “%1”</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>Took %Ln photo(s) out of the album (they stay in your library)</source>
        <translation>
            <numerusform>Took %Ln photo out of the album (it stays in your library)</numerusform>
            <numerusform>Took %Ln photos out of the album (they stay in your library)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>Took %Ln missing photo(s) out of the album</source>
        <translation>
            <numerusform>Took %Ln missing photo out of the album</numerusform>
            <numerusform>Took %Ln missing photos out of the album</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+34"/>
        <source>Hid %Ln photo(s)</source>
        <translation>
            <numerusform>Hid %Ln photo</numerusform>
            <numerusform>Hid %Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Unhid %Ln photo(s)</source>
        <translation>
            <numerusform>Unhid %Ln photo</numerusform>
            <numerusform>Unhid %Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <source>%Ln photo(s): date back to the files&apos; dates</source>
        <translation>
            <numerusform>%Ln photo: date back to the file&apos;s date</numerusform>
            <numerusform>%Ln photos: date back to the files&apos; dates</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%Ln photo(s): date corrected</source>
        <translation>
            <numerusform>%Ln photo: date corrected</numerusform>
            <numerusform>%Ln photos: date corrected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>%Ln photo(s): place back to their GPS</source>
        <translation>
            <numerusform>%Ln photo: place back to its GPS</numerusform>
            <numerusform>%Ln photos: place back to their GPS</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%Ln photo(s): taken in %1</source>
        <translation>
            <numerusform>%Ln photo: taken in %1</numerusform>
            <numerusform>%Ln photos: taken in %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FailuresDialog</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/dialogs/failures_dialog.py" line="+26"/>
        <source>%Ln file(s) could not be read. They are skipped (never changed) and retried when the file changes.</source>
        <translation>
            <numerusform>%Ln file could not be read. It is skipped (never changed) and retried when the file changes.</numerusform>
            <numerusform>%Ln files could not be read. They are skipped (never changed) and retried when the files change.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupList</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/widgets/group_list.py" line="+116"/>
        <source>%Ln in no scene</source>
        <translation>
            <numerusform>%Ln in no scene</numerusform>
            <numerusform>%Ln in no scene</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%Ln scene(s)</source>
        <translation>
            <numerusform>%Ln scene</numerusform>
            <numerusform>%Ln scenes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln event(s)</source>
        <translation>
            <numerusform>%Ln event</numerusform>
            <numerusform>%Ln events</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln set(s)</source>
        <translation>
            <numerusform>%Ln set</numerusform>
            <numerusform>%Ln sets</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%Ln group(s)</source>
        <translation>
            <numerusform>%Ln group</numerusform>
            <numerusform>%Ln groups</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupListModel</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/itemmodels/group_list.py" line="+132"/>
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupsController</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/controllers/groups.py" line="+26"/>
        <source>All %Ln set(s), side by side</source>
        <translation>
            <numerusform>All %Ln set, side by side</numerusform>
            <numerusform>All %Ln sets, side by side</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IndexStatus</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/widgets/index_status.py" line="+105"/>
        <source>Scanning folders… %Ln file(s)</source>
        <translation>
            <numerusform>Scanning folders… %Ln file</numerusform>
            <numerusform>Scanning folders… %Ln files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+55"/>
        <source>%Ln failed</source>
        <translation>
            <numerusform>%Ln failed</numerusform>
            <numerusform>%Ln failed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IndexingController</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/controllers/indexing.py" line="+87"/>
        <source>%Ln photo(s) could not be read — see “failed” in the status bar</source>
        <translation>
            <numerusform>%Ln photo could not be read — see “failed” in the status bar</numerusform>
            <numerusform>%Ln photos could not be read — see “failed” in the status bar</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+15"/>
        <source>%Ln photo(s) not indexed yet</source>
        <translation>
            <numerusform>%Ln photo not indexed yet</numerusform>
            <numerusform>%Ln photos not indexed yet</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/main_window.py" line="+598"/>
        <source>Removed %Ln photo(s) from the library (files untouched)</source>
        <translation>
            <numerusform>Removed %Ln photo from the library (files untouched)</numerusform>
            <numerusform>Removed %Ln photos from the library (files untouched)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OnThisDayBar</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/widgets/on_this_day.py" line="+64"/>
        <source>Show the %Ln photo(s) of this day in %1</source>
        <translation>
            <numerusform>Show the %Ln photo of this day in %1</numerusform>
            <numerusform>Show the %Ln photos of this day in %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PeopleSection</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/widgets/people_section.py" line="+119"/>
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%1: %Ln photo(s) — click to see them</source>
        <translation>
            <numerusform>%1: %Ln photo — click to see them</numerusform>
            <numerusform>%1: %Ln photos — click to see them</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PeopleWorker</name>
    <message numerus="yes">
        <location filename="../../photoalbum/workers/people_worker.py" line="+197"/>
        <source>Deleted %Ln face(s) and all people; finding faces is off</source>
        <translation>
            <numerusform>Deleted %Ln face and all people; finding faces is off</numerusform>
            <numerusform>Deleted %Ln faces and all people; finding faces is off</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PhotoActions</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/controllers/photo_actions.py" line="+102"/>
        <source>Forget %Ln photo(s)? The files are not deleted.</source>
        <translation>
            <numerusform>Forget %Ln photo? The files are not deleted.</numerusform>
            <numerusform>Forget %Ln photos? The files are not deleted.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>Move %Ln file(s) to the trash? You can restore them from the trash; the library forgets them.</source>
        <translation>
            <numerusform>Move %Ln file to the trash? You can restore it from the trash; the library forgets it.</numerusform>
            <numerusform>Move %Ln files to the trash? You can restore them from the trash; the library forgets them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+14"/>
        <source>Moved %Ln file(s) to the trash</source>
        <translation>
            <numerusform>Moved %Ln file to the trash</numerusform>
            <numerusform>Moved %Ln files to the trash</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%1; %Ln file(s) could not be moved (%2: %3)</source>
        <translation>
            <numerusform>%1; %Ln file could not be moved (%2: %3)</numerusform>
            <numerusform>%1; %Ln files could not be moved (%2: %3)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PlaceTiles</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/widgets/explore_page.py" line="+121"/>
        <source>All %Ln photo(s)</source>
        <translation>
            <numerusform>The %Ln photo</numerusform>
            <numerusform>All %Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>%Ln country(s)</source>
        <translation>
            <numerusform>%Ln country</numerusform>
            <numerusform>%Ln countries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%Ln city(s)</source>
        <translation>
            <numerusform>%Ln city</numerusform>
            <numerusform>%Ln cities</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ScenesWorker</name>
    <message numerus="yes">
        <location filename="../../photoalbum/workers/scenes_worker.py" line="+284"/>
        <source>%Ln near-identical photo(s) (largest cosine distance %1); nothing is ever deleted</source>
        <translation>
            <numerusform>%Ln near-identical photo (largest cosine distance %1); nothing is ever deleted</numerusform>
            <numerusform>%Ln near-identical photos (largest cosine distance %1); nothing is ever deleted</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchController</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/controllers/search.py" line="+402"/>
        <source>%Ln photo(s) of %1</source>
        <translation>
            <numerusform>%Ln photo of %1</numerusform>
            <numerusform>%Ln photos of %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>No clear match for “%1”%2: the %Ln closest photo(s) (%3 s)</source>
        <translation>
            <numerusform>No clear match for “%1”%2: the %Ln closest photo (%3 s)</numerusform>
            <numerusform>No clear match for “%1”%2: the %Ln closest photos (%3 s)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source> · %Ln weaker match(es) hidden</source>
        <translation>
            <numerusform> · %Ln weaker match hidden</numerusform>
            <numerusform> · %Ln weaker matches hidden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%Ln result(s) for “%1”%2 (%3 s)%4</source>
        <translation>
            <numerusform>%Ln result for “%1”%2 (%3 s)%4</numerusform>
            <numerusform>%Ln results for “%1”%2 (%3 s)%4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+60"/>
        <source>%Ln hidden photo(s)</source>
        <translation>
            <numerusform>%Ln hidden photo</numerusform>
            <numerusform>%Ln hidden photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln hidden photo(s) match the filters</source>
        <translation>
            <numerusform>%Ln hidden photo matches the filters</numerusform>
            <numerusform>%Ln hidden photos match the filters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%Ln favourite(s)</source>
        <translation>
            <numerusform>%Ln favourite</numerusform>
            <numerusform>%Ln favourites</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln favourite(s) match the filters</source>
        <translation>
            <numerusform>%Ln favourite matches the filters</numerusform>
            <numerusform>%Ln favourites match the filters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%Ln photo(s)%1</source>
        <translation>
            <numerusform>%Ln photo%1</numerusform>
            <numerusform>%Ln photos%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln photo(s)%1 match the filters</source>
        <translation>
            <numerusform>%Ln photo%1 matches the filters</numerusform>
            <numerusform>%Ln photos%1 match the filters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln photo</numerusform>
            <numerusform>%Ln photos</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln photo(s) match the filters</source>
        <translation>
            <numerusform>%Ln photo matches the filters</numerusform>
            <numerusform>%Ln photos match the filters</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+26"/>
        <source>%Ln weak match(es) were hidden. Try other words, fewer filters, or drop a photo to find similar ones.</source>
        <translation>
            <numerusform>%Ln weak match was hidden. Try other words, fewer filters, or drop a photo to find similar ones.</numerusform>
            <numerusform>%Ln weak matches were hidden. Try other words, fewer filters, or drop a photo to find similar ones.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SetPlaceDialog</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/dialogs/corrections.py" line="+70"/>
        <source>%Ln photo(s). Kept in the library; the files are not changed.</source>
        <translation>
            <numerusform>%Ln photo. Kept in the library; the file is not changed.</numerusform>
            <numerusform>%Ln photos. Kept in the library; the files are not changed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ViewerDialog</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/dialogs/viewer.py" line="+601"/>
        <source>%Ln more face(s)</source>
        <translation>
            <numerusform>%Ln more face</numerusform>
            <numerusform>%Ln more faces</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+229"/>
        <location line="+3"/>
        <source>%Ln byte(s)</source>
        <extracomment>The narrowest a path label gets (its size hint: the form gives it the rest of the row).</extracomment>
        <translation>
            <numerusform>%Ln byte</numerusform>
            <numerusform>%Ln bytes</numerusform>
        </translation>
    </message>
</context>
</TS>
