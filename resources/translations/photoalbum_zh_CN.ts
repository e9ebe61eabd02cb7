<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../photoalbum/gui/dialogs/settings_dialog.py" line="+120"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Same as the desktop</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A new language applies when photoalbum restarts.</source>
        <translation>更改语言将在重新启动 photoalbum 后生效。</translation>
    </message>
</context>
</TS>
