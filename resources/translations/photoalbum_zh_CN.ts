<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>GroupChip</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/group_list.py" line="+159"/>
        <source>Show all photos again (remove this restriction)</source>
        <translation>重新显示所有照片（取消此限制）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove group filter</source>
        <translation>取消分组筛选</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only photos of this %1 (%2) are shown and searched. × shows all photos again.</source>
        <translation>仅显示和搜索此%1中的照片（%2 张）。点击 × 重新显示所有照片。</translation>
    </message>
</context>
<context>
    <name>GroupKind</name>
    <message>
        <location filename="../../photoalbum/gui/itemmodels/group_list.py" line="+17"/>
        <source>Scene</source>
        <translation>场景</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Near-duplicates</source>
        <translation>相似照片组</translation>
    </message>
</context>
<context>
    <name>GroupList</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/group_list.py" line="-161"/>
        <source>No scenes yet: they form once photos are indexed.</source>
        <extracomment>What an empty list says, per kind (translated where shown, in the &quot;GroupList&quot; context).</extracomment>
        <translation>还没有场景：照片编入索引后自动分组。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No events yet.</source>
        <translation>还没有事件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No near-duplicates found.</source>
        <translation>没有发现相似照片。</translation>
    </message>
    <message>
        <location line="+84"/>
        <location line="+4"/>
        <source>Grouping…</source>
        <translation>正在分组…</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%Ln in no scene</source>
        <translation>
            <numerusform>%Ln 张不属于任何场景</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>updating…</source>
        <translation>正在更新…</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%Ln scene(s)</source>
        <translation>
            <numerusform>%Ln 个场景</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln event(s)</source>
        <translation>
            <numerusform>%Ln 个事件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln set(s)</source>
        <translation>
            <numerusform>%Ln 组相似照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%Ln group(s)</source>
        <translation>
            <numerusform>%Ln 组</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupListModel</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/itemmodels/group_list.py" line="+110"/>
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>GroupsController</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/controllers/groups.py" line="+26"/>
        <source>All %Ln set(s), side by side</source>
        <translation>
            <numerusform>全部 %Ln 组，并排显示</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Review them in the grid; “Remove from library” forgets a photo, files are never deleted</source>
        <translation>在网格中逐一查看；“从照片库移除”只会让照片库忘记该照片，绝不会删除文件</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <location filename="../../photoalbum/gui/menus.py" line="+51"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Add folder…</source>
        <translation>添加文件夹(&amp;A)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Find</source>
        <translation>查找(&amp;F)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Paste image to search</source>
        <translation>粘贴图片进行搜索(&amp;P)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show &amp;failures…</source>
        <translation>显示读取失败的文件(&amp;F)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Index now</source>
        <translation>立即编入索引(&amp;I)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Back</source>
        <translation>后退(&amp;B)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Forward</source>
        <translation>前进(&amp;F)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About photoalbum</source>
        <translation>关于 photoalbum(&amp;A)</translation>
    </message>
</context>
<context>
    <name>NavigationList</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/navigation.py" line="+41"/>
        <source>Navigation</source>
        <translation>导航</translation>
    </message>
</context>
<context>
    <name>Pages</name>
    <message>
        <location line="-27"/>
        <source>Photos</source>
        <extracomment>Page key → its title in the list (translated where shown, in the &quot;Pages&quot; context).</extracomment>
        <translation>照片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Albums</source>
        <translation>相册</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Favorites</source>
        <translation>收藏</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scenes</source>
        <translation>场景</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Duplicates</source>
        <translation>相似照片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>People</source>
        <translation>人物</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
</context>
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
