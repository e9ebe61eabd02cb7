<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>GroupList</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/widgets/group_list.py" line="+114"/>
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
        <location filename="../../photoalbum/gui/itemmodels/group_list.py" line="+129"/>
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
</TS>
