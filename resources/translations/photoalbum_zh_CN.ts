<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../photoalbum/gui/dialogs/about_dialog.py" line="+31"/>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Library</source>
        <translation>照片库</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Log file</source>
        <translation>日志文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>— (not written)</source>
        <translation>—（未写入）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  [RANDOM WEIGHTS — demo only]</source>
        <translation>  [随机权重 — 仅供演示]</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>INT8 agreement</source>
        <translation>INT8 一致性</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model source</source>
        <translation>模型来源</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>About photoalbum</source>
        <translation>关于 photoalbum</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A private, offline photo album that finds photos by meaning. Nothing leaves this computer.</source>
        <translation>一个私密的离线相册，按照片内容查找照片。任何数据都不会离开这台电脑。</translation>
    </message>
</context>
<context>
    <name>AdjustDateDialog</name>
    <message>
        <location filename="../../photoalbum/gui/dialogs/corrections.py" line="+47"/>
        <source>Adjust date &amp; time</source>
        <extracomment>UTC offsets people live in, in minutes (UTC−12:00 … UTC+14:00, with the :30 and :45 zones).</extracomment>
        <translation>调整日期和时间</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%Ln photo(s). Kept in the library; the files are not changed.</source>
        <translation>
            <numerusform>%Ln 张照片。更正保存在照片库中；文件不会被修改。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shift by</source>
        <translation>偏移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set to</source>
        <translation>设为</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep the date</source>
        <translation>保留日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to the file&apos;s date</source>
        <translation>恢复为文件中的日期</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>+7h, -30m, +1d</source>
        <translation>+7h, -30m, +1d</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Time zone</source>
        <translation>时区</translation>
    </message>
</context>
<context>
    <name>AlbumList</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/albums_panel.py" line="+47"/>
        <source>Albums</source>
        <translation>相册</translation>
    </message>
</context>
<context>
    <name>AlbumsController</name>
    <message>
        <location filename="../../photoalbum/gui/controllers/albums.py" line="+107"/>
        <location line="+106"/>
        <source>Album: %1</source>
        <translation>相册：%1</translation>
    </message>
    <message>
        <location line="-105"/>
        <location line="+106"/>
        <source>Only this album&apos;s photos are shown and searched. × closes it.</source>
        <translation>仅显示和搜索此相册中的照片。点击 × 关闭相册。</translation>
    </message>
    <message>
        <location line="-82"/>
        <source>New album from selection</source>
        <translation>用所选照片新建相册</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Nothing to save: the grid is empty</source>
        <translation>没有可保存的照片：当前没有显示任何照片</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save results as album</source>
        <translation>将结果保存为相册</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Exporting photos…</source>
        <translation>正在导出照片…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Add to album</source>
        <translation>添加到相册</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>New album…</source>
        <translation>新建相册…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New album from selection…</source>
        <translation>用所选照片新建相册…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove from album</source>
        <translation>从相册中移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set as album cover</source>
        <translation>设为相册封面</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export album…</source>
        <translation>导出相册…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export selection…</source>
        <translation>导出所选照片…</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Copying photo %1 of %2…</source>
        <translation>正在复制第 %1 张照片，共 %2 张…</translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>Exported %Ln photo(s)</source>
        <translation>
            <numerusform>已导出 %Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%1; %Ln missing photo(s) skipped</source>
        <translation>
            <numerusform>%1；跳过了 %Ln 张缺失的照片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlbumsPanel</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/albums_panel.py" line="+70"/>
        <source>Remove missing photos…</source>
        <translation>移除缺失的照片…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No albums yet. Select photos and choose “New album from selection”, or press New.</source>
        <translation>还没有相册。选择照片后选择“用所选照片新建相册”，或点击“新建”。</translation>
    </message>
    <message numerus="yes">
        <location line="+23"/>
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%1: %2, %Ln missing</source>
        <translation>
            <numerusform>%1：%2，缺失 %Ln 张</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message numerus="yes">
        <location line="+24"/>
        <source>%Ln photo(s) of this album are missing: no file has them any more.</source>
        <translation>
            <numerusform>此相册中有 %Ln 张照片缺失：对应的文件已不存在。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New album</source>
        <translation>新建相册</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Rename album</source>
        <translation>重命名相册</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Delete album</source>
        <translation>删除相册</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete the album “%1”? The photos stay in your library and on disk.</source>
        <translation>删除相册“%1”？照片仍会保留在照片库和磁盘上。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Remove missing photos</source>
        <translation>移除缺失的照片</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Take the photos no file has any more out of this album? Other photos are not touched.</source>
        <translation>从此相册中移除文件已不存在的照片？其他照片不受影响。</translation>
    </message>
</context>
<context>
    <name>AlbumsWorker</name>
    <message numerus="yes">
        <location filename="../../photoalbum/workers/albums_worker.py" line="+265"/>
        <source>Made the album “%1” with %Ln photo(s)</source>
        <translation>
            <numerusform>已新建相册“%1”，包含 %Ln 张照片</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Made the album “%1”</source>
        <translation>已新建相册“%1”</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Renamed the album to “%1”</source>
        <translation>已将相册重命名为“%1”</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Deleted the album “%1” (its photos stay in your library)</source>
        <translation>已删除相册“%1”（其中的照片仍保留在照片库中）</translation>
    </message>
    <message numerus="yes">
        <location line="+20"/>
        <source>Added %Ln photo(s) to “%1”</source>
        <translation>
            <numerusform>已将 %Ln 张照片添加到“%1”</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>Took %Ln photo(s) out of the album (they stay in your library)</source>
        <translation>
            <numerusform>已从相册中移除 %Ln 张照片（它们仍保留在照片库中）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>Took %Ln missing photo(s) out of the album</source>
        <translation>
            <numerusform>已从相册中移除 %Ln 张缺失的照片</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Album cover set</source>
        <translation>已设置相册封面</translation>
    </message>
    <message numerus="yes">
        <location line="+26"/>
        <source>Hid %Ln photo(s)</source>
        <translation>
            <numerusform>已隐藏 %Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Unhid %Ln photo(s)</source>
        <translation>
            <numerusform>已取消隐藏 %Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <source>%Ln photo(s): date back to the files&apos; dates</source>
        <translation>
            <numerusform>%Ln 张照片：日期已恢复为文件中的日期</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%Ln photo(s): date corrected</source>
        <translation>
            <numerusform>%Ln 张照片：日期已更正</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>%Ln photo(s): place back to their GPS</source>
        <translation>
            <numerusform>%Ln 张照片：地点已恢复为 GPS 位置</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%Ln photo(s): taken in %1</source>
        <translation>
            <numerusform>%Ln 张照片：拍摄于 %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CorrectionsController</name>
    <message>
        <location filename="../../photoalbum/gui/controllers/corrections.py" line="+66"/>
        <source>Adjust date &amp; time…</source>
        <extracomment>Asks how to correct the dates of ``count`` photos (the first one&apos;s date given): None = cancel. Asks where ``count`` photos were taken: (go on, place or None to clear it).</extracomment>
        <translation>调整日期和时间…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set place…</source>
        <translation>设置地点…</translation>
    </message>
</context>
<context>
    <name>DateScrubber</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/date_scrubber.py" line="+38"/>
        <source>Drag to a year or month</source>
        <translation>拖动到某一年或某个月</translation>
    </message>
</context>
<context>
    <name>Dropping</name>
    <message>
        <location filename="../../photoalbum/gui/dropping.py" line="+81"/>
        <source>pasted image</source>
        <extracomment>What a dropped file may be: every photo the library indexes (JPEG, MPO, PNG, …, camera RAW). Raw image formats a browser or an image editor may put on a drag or the clipboard, best first.</extracomment>
        <translation>粘贴的图片</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>photoalbum never downloads from the web: save the image to a file and drop the file instead (%1)</source>
        <translation>photoalbum 从不从网络下载：请先将图片保存为文件，再拖入该文件（%1）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 is a folder: use &apos;Add folder…&apos; to add it to the library</source>
        <translation>%1 是文件夹：请使用“添加文件夹…”将其加入照片库</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 is not an image photoalbum can read</source>
        <translation>%1 不是 photoalbum 能读取的图片</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 is too large to search with (%2 MB)</source>
        <translation>%1 太大，无法用于搜索（%2 MB）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>dropped %1 image</source>
        <translation>拖入的 %1 图片</translation>
    </message>
</context>
<context>
    <name>ExceptionHook</name>
    <message>
        <location filename="../../photoalbum/gui/errors.py" line="+94"/>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An unexpected error happened: %1

photoalbum keeps running, but please report this with the details.</source>
        <translation>发生了意外错误：%1

photoalbum 会继续运行，但请附上详细信息报告此问题。</translation>
    </message>
</context>
<context>
    <name>ExplorePage</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/explore_page.py" line="+166"/>
        <source>Explore</source>
        <translation>探索</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scenes</source>
        <translation>场景</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>People</source>
        <translation>人物</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Places</source>
        <translation>地点</translation>
    </message>
</context>
<context>
    <name>FailuresDialog</name>
    <message>
        <location filename="../../photoalbum/gui/dialogs/failures_dialog.py" line="+20"/>
        <source>Photos that could not be read</source>
        <translation>无法读取的照片</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%Ln file(s) could not be read. They are skipped (never changed) and retried when the file changes.</source>
        <translation>
            <numerusform>%Ln 个文件无法读取。这些文件会被跳过（绝不会被修改），并在文件变化时重试。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Copy list</source>
        <translation>复制列表</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/filter_bar.py" line="+30"/>
        <source>Taken</source>
        <translation>拍摄于</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only photos taken in this date range (EXIF date, else file date)</source>
        <translation>仅显示在此日期范围内拍摄的照片（使用 EXIF 日期，没有则用文件日期）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Only photos under this folder</source>
        <translation>仅显示此文件夹中的照片</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+46"/>
        <source>All folders</source>
        <translation>所有文件夹</translation>
    </message>
    <message>
        <location line="-44"/>
        <source>Camera</source>
        <translation>相机</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only photos whose camera make or model contains this text</source>
        <translation>仅显示相机品牌或型号包含此文字的照片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>♥ Favorites</source>
        <translation>♥ 收藏</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only favourite photos</source>
        <translation>仅显示收藏的照片</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only photos rated at least this</source>
        <translation>仅显示评分不低于此的照片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Any rating</source>
        <translation>任意评分</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear every filter</source>
        <translation>清除所有筛选条件</translation>
    </message>
</context>
<context>
    <name>FirstRunPage</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/pages.py" line="+60"/>
        <source>Welcome to photoalbum</source>
        <translation>欢迎使用 photoalbum</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Find your photos by describing them — “dog on a beach”, “海边的狗” — or by dropping a picture. Everything stays on this computer: photos are read, never changed.

Start by adding a folder of photos; indexing runs in the background.</source>
        <translation>描述你想找的照片——“海边的狗”、“dog on a beach”——或者拖入一张图片，就能找到相似的照片。一切都在这台电脑上完成：照片只会被读取，绝不会被修改。

先添加一个照片文件夹吧；索引会在后台进行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add a folder…</source>
        <translation>添加文件夹…</translation>
    </message>
</context>
<context>
    <name>FoldersController</name>
    <message>
        <location filename="../../photoalbum/gui/controllers/folders.py" line="+58"/>
        <source>Adding %1…</source>
        <translation>正在添加 %1…</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Remove folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forget %1 and its photos? The files themselves are not touched.</source>
        <translation>让照片库忘记 %1 及其中的照片？文件本身不受影响。</translation>
    </message>
</context>
<context>
    <name>GroupChip</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/group_list.py" line="+161"/>
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
        <location filename="../../photoalbum/gui/itemmodels/group_list.py" line="+18"/>
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
    <message>
        <location line="+1"/>
        <source>On this day</source>
        <translation>那年今日</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place</source>
        <translation>地点</translation>
    </message>
</context>
<context>
    <name>GroupList</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/group_list.py" line="-163"/>
        <source>No scenes yet: they form once photos are indexed.</source>
        <extracomment>What an empty list says, per kind (translated where shown, in the &quot;GroupList&quot; context).</extracomment>
        <translation>还没有场景：照片编入索引后自动分组。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No events yet.</source>
        <translation>还没有事件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No near-duplicates found.</source>
        <translation>没有发现相似照片。</translation>
    </message>
    <message>
        <location line="+88"/>
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
        <source>Review them in the grid; “Move to Trash…” (Delete) moves the copies you choose to the trash, after asking; “Remove from library” forgets a photo</source>
        <translation>在网格中逐一查看；“移到回收站…”（Delete 键）会在确认后将你选中的副本移到回收站；“从照片库移除”只会让照片库忘记该照片</translation>
    </message>
</context>
<context>
    <name>ImageChip</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/search_bar.py" line="+38"/>
        <source>%1
Right-click to exclude photos like this one</source>
        <translation>%1
右键点击可排除与此相似的照片</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Remove this image from the search</source>
        <translation>从搜索中移除此图片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Look for photos like this</source>
        <translation>查找与此相似的照片</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Exclude photos like this</source>
        <translation>排除与此相似的照片</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context>
<context>
    <name>IndexStatus</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/index_status.py" line="+44"/>
        <location line="+124"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="-123"/>
        <location line="+127"/>
        <source>Pause indexing (search keeps working)</source>
        <translation>暂停索引（搜索仍可使用）</translation>
    </message>
    <message>
        <location line="-125"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop indexing; photos indexed so far stay searchable</source>
        <translation>停止索引；已编入索引的照片仍可搜索</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Index now</source>
        <translation>立即编入索引</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scan the library&apos;s folders for new or changed photos</source>
        <translation>扫描照片库的文件夹，查找新增或已更改的照片</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Photos that could not be read, with the reason</source>
        <translation>无法读取的照片及原因</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Looking for new photos…</source>
        <extracomment>Status-bar wording per background pass name (from the library state).</extracomment>
        <translation>正在查找新照片…</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+23"/>
        <source> · %1 photos/s</source>
        <translation> · 每秒 %1 张</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>%1: %2 / %3%4</source>
        <translation>%1：%2 / %3%4</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Scanning folders… %Ln file(s)</source>
        <translation>
            <numerusform>正在扫描文件夹… %Ln 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scanning folders…</source>
        <translation>正在扫描文件夹…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Checking INT8 on your photos… %1 / %2</source>
        <translation>正在用你的照片检验 INT8… %1 / %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Checking INT8 on your photos…</source>
        <translation>正在用你的照片检验 INT8…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Indexing %1 / %2%3</source>
        <translation>正在编入索引 %1 / %2%3</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Paused · </source>
        <comment>put before the progress text</comment>
        <translation>已暂停 · </translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>%Ln failed</source>
        <translation>
            <numerusform>%Ln 个失败</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resume indexing</source>
        <translation>继续索引</translation>
    </message>
</context>
<context>
    <name>IndexWorker</name>
    <message>
        <location filename="../../photoalbum/workers/index_worker.py" line="+116"/>
        <source>SHA-256 verified</source>
        <translation>已验证 SHA-256</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>UNVERIFIED (no checksum recorded)</source>
        <translation>未验证（没有记录校验和）</translation>
    </message>
    <message>
        <location line="+322"/>
        <source>Indexing stopped: %1</source>
        <translation>索引已停止：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Indexing failed (%1); see the log</source>
        <translation>索引失败（%1）；请查看日志</translation>
    </message>
</context>
<context>
    <name>IndexingController</name>
    <message numerus="yes">
        <location filename="../../photoalbum/gui/controllers/indexing.py" line="+87"/>
        <source>%Ln photo(s) could not be read — see “failed” in the status bar</source>
        <translation>
            <numerusform>%Ln 张照片无法读取——请查看状态栏中的“失败”</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Indexing cancelled — “Index now” finishes it</source>
        <translation>索引已取消——点击“立即编入索引”可完成</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%Ln photo(s) not indexed yet</source>
        <translation>
            <numerusform>还有 %Ln 张照片未编入索引</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: %2 to do</source>
        <translation>%1：还剩 %2 张</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Photos indexed · %1</source>
        <translation>照片已编入索引 · %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Library up to date</source>
        <translation>照片库已是最新</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Waiting: %1</source>
        <translation>等待中：%1</translation>
    </message>
</context>
<context>
    <name>LibraryPage</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/library_page.py" line="+32"/>
        <source>Relevance</source>
        <translation>相关度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Newest first</source>
        <translation>最新的在前</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Oldest first</source>
        <translation>最早的在前</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Looking for faces is not available.</source>
        <translation>无法查找人脸。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>The order of search results</source>
        <translation>搜索结果的排列顺序</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sort results</source>
        <translation>结果排序</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save as album…</source>
        <translation>保存为相册…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save the photos shown (results or a group) as an album</source>
        <translation>将当前显示的照片（搜索结果或分组）保存为相册</translation>
    </message>
</context>
<context>
    <name>LibraryWorker</name>
    <message>
        <location filename="../../photoalbum/workers/base.py" line="+101"/>
        <source>Unexpected error (%1); see the log</source>
        <extracomment>Runs one command on the worker thread. Opened libraries run background passes one photo at a time (see ``LibraryFactory``).</extracomment>
        <translation>意外错误（%1）；请查看日志</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>The library could not be opened: %1</source>
        <translation>无法打开照片库：%1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../photoalbum/gui/main_window.py" line="+147"/>
        <source>Add a folder of photos</source>
        <extracomment>Pages of the central stack. Grid cell (thumbnail box) in pixels. Thumbnails are decoded at this size off the GUI thread, so painting a cell never rescales a pixmap (smooth scaling at paint time cost ~1 ms a cell).</extracomment>
        <translation>添加照片文件夹</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Export to a folder</source>
        <translation>导出到文件夹</translation>
    </message>
    <message>
        <location line="+178"/>
        <source>Close the album</source>
        <translation>关闭相册</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Close the person</source>
        <translation>关闭人物</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Opening the library…</source>
        <translation>正在打开照片库…</translation>
    </message>
    <message>
        <location line="+234"/>
        <source>The library could not be opened</source>
        <translation>无法打开照片库</translation>
    </message>
    <message numerus="yes">
        <location line="+30"/>
        <source>Removed %Ln photo(s) from the library (files untouched)</source>
        <translation>
            <numerusform>已从照片库移除 %Ln 张照片（文件未受影响）</numerusform>
        </translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The clipboard holds no image</source>
        <translation>剪贴板中没有图片</translation>
    </message>
</context>
<context>
    <name>MarksController</name>
    <message>
        <location filename="../../photoalbum/gui/controllers/marks.py" line="+84"/>
        <source>Remove from favorites</source>
        <translation>取消收藏</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add to favorites  (F)</source>
        <translation>加入收藏  (F)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rate</source>
        <translation>评分</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No rating  (0)</source>
        <translation>无评分  (0)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unhide  (H)</source>
        <translation>取消隐藏  (H)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hide  (H)</source>
        <translation>隐藏  (H)</translation>
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
    <name>MessagePage</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/pages.py" line="+23"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>ModelPreparer</name>
    <message>
        <location filename="../../photoalbum/workers/model_prep.py" line="+134"/>
        <source>could not start the preparation process (%1)</source>
        <extracomment>A stderr line of the child starting with this carries a JSON progress record. The module run as the child process (``python -m …``).</extracomment>
        <translation>无法启动准备进程（%1）</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Preparation cancelled.</source>
        <translation>准备已取消。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>the preparation process failed (exit %1)</source>
        <translation>准备进程失败（退出码 %1）</translation>
    </message>
</context>
<context>
    <name>ModelSetupPage</name>
    <message>
        <location filename="../../photoalbum/gui/dialogs/model_setup.py" line="+54"/>
        <source>Welcome to photoalbum</source>
        <translation>欢迎使用 photoalbum</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Find your photos by what they show — in Chinese, English and more. Everything runs on this computer; your photos are never changed or uploaded.</source>
        <translation>按照片的内容查找照片——支持中文、英文等多种语言。一切都在这台电脑上运行；你的照片绝不会被修改或上传。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>1. Your photos</source>
        <translation>1. 你的照片</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>2. The model that understands your photos</source>
        <translation>2. 理解照片内容的模型</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A CLIP model matches photos with words and with other photos. It is installed once and then works offline. Search quality is as published by the model&apos;s authors (recall@1 in %, higher is better).</source>
        <translation>CLIP 模型将照片与文字、与其他照片进行匹配。只需安装一次，之后即可离线使用。搜索质量为模型作者公布的数据（recall@1，单位 %，越高越好）。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chinese / English text→image</source>
        <translation>中文 / 英文 文字→图片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+153"/>
        <source>Download and prepare</source>
        <translation>下载并准备</translation>
    </message>
    <message>
        <location line="-151"/>
        <source>Import model file or folder…</source>
        <translation>导入模型文件或文件夹…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>%1 (default)</source>
        <translation>%1（默认）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>installed</source>
        <translation>已安装</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Install the model from a file or folder you have: a ready-made ONNX export (folder, .zip or .tar.gz), a prepared model folder, or an open_clip checkpoint</source>
        <translation>从已有的文件或文件夹安装模型：现成的 ONNX 导出（文件夹、.zip 或 .tar.gz）、已准备好的模型文件夹，或 open_clip 检查点</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Preparing %1…</source>
        <translation>正在准备 %1…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Importing %1 from %2…</source>
        <translation>正在从 %2 导入 %1…</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Published retrieval results (recall@1/5/10 in %):</source>
        <translation>公布的检索结果（recall@1/5/10，单位 %）：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Prepare random-weights demo model</source>
        <translation>准备随机权重演示模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use this model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Install (download ≈ %1)</source>
        <translation>安装（下载约 %1）</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Add a folder of photos</source>
        <translation>添加照片文件夹</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Import a model</source>
        <translation>导入模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import from a file (a .zip/.tar.gz of ONNX towers, or an open_clip checkpoint) or from a folder (ONNX towers in immich&apos;s layout, or a prepared model)?</source>
        <translation>从文件导入（包含 ONNX 塔的 .zip/.tar.gz，或 open_clip 检查点），还是从文件夹导入（immich 布局的 ONNX 塔，或已准备好的模型）？</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose a model file</source>
        <translation>选择模型文件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Choose the ONNX folder</source>
        <translation>选择 ONNX 文件夹</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1: %2 of %3 MB</source>
        <translation>%1：%2 / %3 MB</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 is ready.</source>
        <translation>%1 已就绪。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Preparation cancelled; nothing was changed.</source>
        <translation>准备已取消；没有做任何更改。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>RANDOM WEIGHTS: meaningless results</source>
        <translation>随机权重：结果没有意义</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>made locally</source>
        <translation>在本机生成</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>prepared locally (torch)</source>
        <translation>在本机准备（torch）</translation>
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
    <name>OnThisDayBar</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/on_this_day.py" line="+36"/>
        <source>On this day:</source>
        <translation>那年今日：</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Hide “On this day” until tomorrow</source>
        <translation>隐藏“那年今日”，明天再显示</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dismiss On this day</source>
        <translation>关闭那年今日</translation>
    </message>
    <message numerus="yes">
        <location line="+18"/>
        <source>Show the %Ln photo(s) of this day in %1</source>
        <translation>
            <numerusform>显示 %1 年这一天的 %Ln 张照片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OnThisDayController</name>
    <message>
        <location filename="../../photoalbum/gui/controllers/on_this_day.py" line="+93"/>
        <source>%1</source>
        <comment>a year of On this day, as its chip names it</comment>
        <extracomment>The group kind a year&apos;s photos are shown as (the chip names it &quot;On this day&quot;). Where the day the row was dismissed is kept (it stays closed until the next day).</extracomment>
        <translation>%1 年</translation>
    </message>
</context>
<context>
    <name>PageNavigator</name>
    <message>
        <location filename="../../photoalbum/gui/controllers/page_navigator.py" line="+159"/>
        <source>Person: %1</source>
        <extracomment>Pages whose panel is empty: the grid (or the Explore page&apos;s tiles) takes the whole page.</extracomment>
        <translation>人物：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only this person&apos;s photos are shown and searched. × shows all again.</source>
        <translation>仅显示和搜索此人的照片。点击 × 重新显示全部照片。</translation>
    </message>
</context>
<context>
    <name>Pages</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/navigation.py" line="-26"/>
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
        <source>Explore</source>
        <translation>探索</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hidden</source>
        <translation>已隐藏</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Duplicates</source>
        <translation>相似照片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
</context>
<context>
    <name>Passes</name>
    <message>
        <location filename="../../photoalbum/gui/pass_titles.py" line="+14"/>
        <source>Read text in photos</source>
        <extracomment>The engine&apos;s pass titles, marked for the translators (in the &quot;Passes&quot; context).</extracomment>
        <translation>识别照片中的文字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Find faces</source>
        <translation>查找人脸</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Places from GPS</source>
        <translation>根据 GPS 标注地点</translation>
    </message>
</context>
<context>
    <name>PeopleSection</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/people_section.py" line="+88"/>
        <source>No people yet: faces are looked for after indexing.</source>
        <translation>还没有人物：编入索引后会查找人脸。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Find faces</source>
        <translation>查找人脸</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Look for faces in photos not looked at yet (on this computer)</source>
        <translation>在尚未查找过的照片中查找人脸（在这台电脑上进行）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Wipe face data…</source>
        <translation>清除人脸数据…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete every face, person and name; finding faces stops</source>
        <translation>删除所有人脸、人物和姓名；停止查找人脸</translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%1: %Ln photo(s) — click to see them</source>
        <translation>
            <numerusform>%1：%Ln 张照片——点击查看</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Looking for faces: %1 of %2 photos</source>
        <translation>正在查找人脸：%1 / %2 张照片</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Name…</source>
        <translation>命名…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Same person as</source>
        <translation>与此人为同一人</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Don&apos;t group this person</source>
        <translation>不要为此人分组</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name for %1:</source>
        <translation>%1 的名字：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Don&apos;t group</source>
        <translation>不分组</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keep %1 out of People and search? Their faces stay in the library (Wipe face data deletes them).</source>
        <translation>不在人物和搜索中显示 %1？其人脸数据仍保留在照片库中（“清除人脸数据”会删除它们）。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Wipe face data</source>
        <translation>清除人脸数据</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete every face, person and name found in this library? Finding faces stays off until you click “Find faces”. Your photos are not touched.</source>
        <translation>删除此照片库中找到的所有人脸、人物和姓名？在你点击“查找人脸”之前不会再查找人脸。你的照片不受影响。</translation>
    </message>
</context>
<context>
    <name>PeopleWorker</name>
    <message numerus="yes">
        <location filename="../../photoalbum/workers/people_worker.py" line="+197"/>
        <source>Deleted %Ln face(s) and all people; finding faces is off</source>
        <translation>
            <numerusform>已删除 %Ln 张人脸和所有人物；已停止查找人脸</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PhotoActions</name>
    <message>
        <location filename="../../photoalbum/gui/controllers/photo_actions.py" line="+101"/>
        <source>Remove from library</source>
        <extracomment>More entries for the context menu (albums, marks): called with the menu and rows.</extracomment>
        <translation>从照片库移除</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Forget %Ln photo(s)? The files are not deleted.</source>
        <translation>
            <numerusform>让照片库忘记这 %Ln 张照片？文件不会被删除。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Move to Trash</source>
        <translation>移到回收站</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>Move %Ln file(s) to the trash? You can restore them from the trash; the library forgets them.</source>
        <translation>
            <numerusform>将 %Ln 个文件移到回收站？你可以从回收站恢复它们；照片库会忘记这些照片。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+14"/>
        <source>Moved %Ln file(s) to the trash</source>
        <translation>
            <numerusform>已将 %Ln 个文件移到回收站</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%1; %Ln file(s) could not be moved (%2: %3)</source>
        <translation>
            <numerusform>%1；%Ln 个文件无法移动（%2：%3）</numerusform>
        </translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open in default app</source>
        <translation>用默认应用打开</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Find similar</source>
        <translation>查找相似照片</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Remove from library…</source>
        <translation>从照片库移除…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Move to Trash…  (Del)</source>
        <translation>移到回收站…  (Del)</translation>
    </message>
</context>
<context>
    <name>PhotoGridModel</name>
    <message>
        <location filename="../../photoalbum/gui/itemmodels/photo_grid.py" line="+376"/>
        <source>%1 (file time: the photo records no date)</source>
        <extracomment>Drag format of photos dragged from a grid (their ids, comma-separated), for albums to take. Rows whose details are asked for together when one of them is missing. Above this many changed ranges, a refresh resets the model instead of patching it. A video search hit&apos;s best-matching moment (seconds from its start), else None.</extracomment>
        <translation>%1（文件时间：照片未记录拍摄日期）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>score %1</source>
        <translation>得分 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>best match at %1</source>
        <translation>最佳匹配于 %1</translation>
    </message>
</context>
<context>
    <name>PlaceTiles</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/explore_page.py" line="-117"/>
        <source>← All countries</source>
        <extracomment>A tile&apos;s cover, in pixels (square); the tile adds room for two lines of text under it. The tabs, in order: scenes, people, events, places.</extracomment>
        <translation>← 所有国家和地区</translation>
    </message>
    <message numerus="yes">
        <location line="+64"/>
        <source>All %Ln photo(s)</source>
        <translation>
            <numerusform>全部 %Ln 张照片</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No places yet: photos with a GPS position are placed after indexing.</source>
        <translation>还没有地点：带 GPS 位置的照片编入索引后会标注地点。</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%Ln country(s)</source>
        <translation>
            <numerusform>%Ln 个国家和地区</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%Ln city(s)</source>
        <translation>
            <numerusform>%Ln 个城市</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 · %2</source>
        <comment>countries · cities</comment>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>RandomWeightsBanner</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/pages.py" line="+48"/>
        <source>RANDOM WEIGHTS — demo only%1: search results are meaningless. Choose a real model in Settings.</source>
        <translation>随机权重——仅供演示%1：搜索结果没有意义。请在“设置”中选择真正的模型。</translation>
    </message>
</context>
<context>
    <name>ScenesWorker</name>
    <message>
        <location filename="../../photoalbum/workers/scenes_worker.py" line="+114"/>
        <source>Grouping failed (%1); see the log</source>
        <extracomment>Photos read per catalog call for covers.</extracomment>
        <translation>分组失败（%1）；请查看日志</translation>
    </message>
    <message>
        <location line="+111"/>
        <source>name confidence %1</source>
        <translation>命名置信度 %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>not named</source>
        <translation>未命名</translation>
    </message>
    <message numerus="yes">
        <location line="+55"/>
        <source>%Ln near-identical photo(s) (largest cosine distance %1); nothing is ever deleted</source>
        <translation>
            <numerusform>%Ln 张几乎相同的照片（最大余弦距离 %1）；不会删除任何文件</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchBar</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/search_bar.py" line="+97"/>
        <source>Describe a photo — e.g. dog on a beach, 海边的狗, +sunset -people — or drop an image</source>
        <translation>描述一张照片——例如 海边的狗、dog on a beach、+日落 -人——或拖入一张图片</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Clear the search (Esc)</source>
        <translation>清除搜索 (Esc)</translation>
    </message>
    <message>
        <location line="+65"/>
        <source>Search these words as words</source>
        <translation>按字面搜索这些词</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
</context>
<context>
    <name>SearchController</name>
    <message>
        <location filename="../../photoalbum/gui/controllers/search.py" line="+188"/>
        <source>Search is unavailable: %1</source>
        <extracomment>Photos a person&apos;s page lists at most (a search inside it keeps the usual ``k``).</extracomment>
        <translation>搜索不可用：%1</translation>
    </message>
    <message>
        <location line="+177"/>
        <source> in the album “%1”</source>
        <translation>（相册“%1”中）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> in %1 “%2”</source>
        <translation>（%1“%2”中）</translation>
    </message>
    <message>
        <location line="-132"/>
        <source>Photos taken %1 … %2. × searches these words as words instead.</source>
        <translation>拍摄于 %1 … %2 的照片。点击 × 改为按字面搜索这些词。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Date: %1</source>
        <translation>日期：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Photos taken there. × searches these words as words instead.</source>
        <translation>在那里拍摄的照片。点击 × 改为按字面搜索这些词。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place: %1</source>
        <translation>地点：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Photos showing them. × searches these words as words instead.</source>
        <translation>有他们出现的照片。点击 × 改为按字面搜索这些词。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With: %1</source>
        <translation>人物：%1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only videos. × searches these words as words instead.</source>
        <translation>只看视频。点击 × 改为按字面搜索这些词。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Videos</source>
        <comment>a query chip: only videos</comment>
        <translation>视频</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only camera RAW photos. × searches these words as words instead.</source>
        <translation>只看相机 RAW 照片。点击 × 改为按字面搜索这些词。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>RAW</source>
        <comment>a query chip: only camera RAW photos</comment>
        <translation>RAW</translation>
    </message>
    <message>
        <location line="+108"/>
        <source> with %1</source>
        <translation>（有 %1 出现）</translation>
    </message>
    <message numerus="yes">
        <location line="+41"/>
        <source>%Ln photo(s) of %1</source>
        <translation>
            <numerusform>%1 的 %Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>No clear match for “%1”%2: the %Ln closest photo(s) (%3 s)</source>
        <translation>
            <numerusform>没有与“%1”明确匹配的照片%2：显示最接近的 %Ln 张（%3 秒）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source> · %Ln weaker match(es) hidden</source>
        <translation>
            <numerusform> · 已隐藏 %Ln 个较弱的匹配</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%Ln result(s) for “%1”%2 (%3 s)%4</source>
        <translation>
            <numerusform>“%1”的结果%2：%Ln 张（%3 秒）%4</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+60"/>
        <source>%Ln hidden photo(s)</source>
        <translation>
            <numerusform>%Ln 张已隐藏的照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln hidden photo(s) match the filters</source>
        <translation>
            <numerusform>%Ln 张已隐藏的照片符合筛选条件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%Ln favourite(s)</source>
        <translation>
            <numerusform>%Ln 张收藏的照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln favourite(s) match the filters</source>
        <translation>
            <numerusform>%Ln 张收藏的照片符合筛选条件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%Ln photo(s)%1</source>
        <translation>
            <numerusform>%Ln 张照片%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln photo(s)%1 match the filters</source>
        <translation>
            <numerusform>%Ln 张照片%1符合筛选条件</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln photo(s)</source>
        <translation>
            <numerusform>%Ln 张照片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln photo(s) match the filters</source>
        <translation>
            <numerusform>%Ln 张照片符合筛选条件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+24"/>
        <source>No matching photos</source>
        <translation>没有匹配的照片</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%Ln weak match(es) were hidden. Try other words, fewer filters, or drop a photo to find similar ones.</source>
        <translation>
            <numerusform>已隐藏 %Ln 个较弱的匹配。试试换个说法、减少筛选条件，或拖入一张照片查找相似的照片。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Try other words, fewer filters, or drop a photo to find similar ones.</source>
        <translation>试试换个说法、减少筛选条件，或拖入一张照片查找相似的照片。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No hidden photos</source>
        <translation>没有已隐藏的照片</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Photos you hide (H, or Hide in their menu) are listed here; they stay out of the timeline and searches.</source>
        <translation>你隐藏的照片（按 H，或在右键菜单中选择“隐藏”）会列在这里；它们不会出现在时间线和搜索结果中。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No photos match these filters</source>
        <translation>没有符合这些筛选条件的照片</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear filters to see all.</source>
        <translation>清除筛选条件即可查看全部照片。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Indexing your photos…</source>
        <translation>正在为你的照片编入索引…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>They appear here as they are indexed.</source>
        <translation>照片编入索引后会显示在这里。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No photos yet</source>
        <translation>还没有照片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a folder with JPEG, PNG, HEIC or other photos.</source>
        <translation>添加一个包含 JPEG、PNG、HEIC 等格式照片的文件夹。</translation>
    </message>
</context>
<context>
    <name>SetPlaceDialog</name>
    <message>
        <location filename="../../photoalbum/gui/dialogs/corrections.py" line="+47"/>
        <source>Set place</source>
        <translation>设置地点</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>%Ln photo(s). Kept in the library; the files are not changed.</source>
        <translation>
            <numerusform>%Ln 张照片。更正保存在照片库中；文件不会被修改。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>杭州, Kyoto, Japan, or 35.01,135.77</source>
        <translation>例如 杭州、Kyoto, Japan，或 35.01,135.77</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Place:</source>
        <translation>地点：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to the photos&apos; GPS</source>
        <translation>恢复为照片的 GPS 位置</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../photoalbum/gui/dialogs/settings_dialog.py" line="+18"/>
        <source>Automatic (measured per model)</source>
        <translation>自动（按模型实测决定）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>fp32 (exact, slower)</source>
        <translation>fp32（精确，较慢）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>int8 (faster, smaller)</source>
        <translation>int8（更快，更小）</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Library folders</source>
        <translation>照片库文件夹</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forget the folder&apos;s photos (files are not touched)</source>
        <translation>让照片库忘记该文件夹中的照片（文件不受影响）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Search engine</source>
        <translation>搜索引擎</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 (default)</source>
        <translation>%1（默认）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>✓ = prepared. Changing the model re-indexes every photo in the background; search keeps working meanwhile.</source>
        <translation>✓ = 已准备好。更换模型会在后台为所有照片重新编入索引；在此期间搜索仍可使用。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>On the first indexing the INT8 image tower is compared with fp32 on a sample of your own photos; “Automatic” uses INT8 only if it keeps the ranking and is faster.</source>
        <translation>首次编入索引时，会用你自己的部分照片比较 INT8 与 fp32 图像塔；只有当 INT8 保持排序一致且更快时，“自动”才会使用 INT8。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>INT8 check</source>
        <translation>INT8 检验</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Worker threads</source>
        <translation>工作线程数</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>After indexing, also</source>
        <translation>编入索引后，还要</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Runs on this computer after each photo is indexed: %1 done, %2 failed, %3 to do</source>
        <translation>在每张照片编入索引后于本机运行：已完成 %1，失败 %2，待处理 %3</translation>
    </message>
    <message>
        <location line="+12"/>
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
    <message>
        <location line="+50"/>
        <source>Add a folder of photos</source>
        <translation>添加照片文件夹</translation>
    </message>
</context>
<context>
    <name>SidePanel</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/side_panel.py" line="+39"/>
        <source>All photos</source>
        <translation>所有照片</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show the whole library</source>
        <translation>显示整个照片库</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Add folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forget the selected library folder (files are not touched)</source>
        <translation>让照片库忘记所选文件夹（文件不受影响）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Folders</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>Show only this folder</source>
        <translation>仅显示此文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove from library</source>
        <translation>从照片库移除</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <location filename="../../photoalbum/gui/itemmodels/timeline.py" line="+19"/>
        <source>January</source>
        <translation>1月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>February</source>
        <translation>2月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>March</source>
        <translation>3月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>April</source>
        <translation>4月</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+14"/>
        <source>May</source>
        <translation>5月</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>June</source>
        <translation>6月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>July</source>
        <translation>7月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>August</source>
        <translation>8月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>September</source>
        <translation>9月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>October</source>
        <translation>10月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>November</source>
        <translation>11月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>December</source>
        <translation>12月</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Jan</source>
        <translation>1月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Feb</source>
        <translation>2月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mar</source>
        <translation>3月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Apr</source>
        <translation>4月</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Jun</source>
        <translation>6月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Jul</source>
        <translation>7月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Aug</source>
        <translation>8月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sep</source>
        <translation>9月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Oct</source>
        <translation>10月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Nov</source>
        <translation>11月</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dec</source>
        <translation>12月</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>%1 %2</source>
        <comment>month year</comment>
        <translation>%2年%1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>%1 %2 · %3 %4</source>
        <comment>month year · weekday day</comment>
        <translation>%2年%1 · %4日 %3</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 %2 %3</source>
        <comment>weekday day short-month</comment>
        <translation>%3%2日 %1</translation>
    </message>
</context>
<context>
    <name>VideoPlayer</name>
    <message>
        <location filename="../../photoalbum/gui/widgets/video_player.py" line="+66"/>
        <source>Qt Multimedia has no playback backend on this system.</source>
        <translation>Qt Multimedia 在此系统上没有可用的播放后端。</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>The file cannot be played.</source>
        <translation>无法播放此文件。</translation>
    </message>
</context>
<context>
    <name>ViewerDialog</name>
    <message>
        <location filename="../../photoalbum/gui/dialogs/viewer.py" line="+36"/>
        <source>RAW</source>
        <extracomment>Largest side decoded for the viewer (a 100 MP panorama is shown scaled). How the info panel names an item&apos;s companion files, by role.</extracomment>
        <translation>RAW</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live movie</source>
        <translation>实况视频</translation>
    </message>
    <message>
        <location line="+156"/>
        <source>◀ Previous</source>
        <translation>◀ 上一张</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next ▶</source>
        <translation>下一张 ▶</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Info</source>
        <translation>信息</translation>
    </message>
    <message>
        <location line="+174"/>
        <location line="+316"/>
        <source>%1 (corrected)</source>
        <translation>%1（已更正）</translation>
    </message>
    <message>
        <location line="-164"/>
        <source>No application opens %1</source>
        <translation>没有应用程序可以打开 %1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Moment %1 of %2</source>
        <translation>时刻 %1（全长 %2）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Moment %1</source>
        <translation>时刻 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Video, %1 long</source>
        <translation>视频，时长 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+156"/>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location line="-222"/>
        <source>Play from %1</source>
        <translation>从 %1 开始播放</translation>
    </message>
    <message>
        <location line="-264"/>
        <source>Drag to move through the video</source>
        <translation>拖动以在视频中移动</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Plays the video here (Space)</source>
        <translation>在这里播放视频（空格键）</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+258"/>
        <source>Live</source>
        <translation>实况</translation>
    </message>
    <message>
        <location line="-257"/>
        <source>Plays the Live Photo&apos;s movie (Space)</source>
        <translation>播放实况照片的视频（空格键）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open in player…</source>
        <translation>用播放器打开…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Opens the file in your desktop&apos;s video player. A player cannot be told where to start in a way every desktop understands: skip to the moment yourself.</source>
        <translation>用桌面的视频播放器打开此文件。无法以所有桌面都认可的方式告诉播放器从哪里开始：请自行跳到该时刻。</translation>
    </message>
    <message>
        <location line="+206"/>
        <source>Videos cannot be played here (Qt Multimedia: %1).</source>
        <translation>无法在这里播放视频（Qt Multimedia：%1）。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+4"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>It cannot be played here: %1</source>
        <translation>无法在这里播放：%1</translation>
    </message>
    <message numerus="yes">
        <location line="+82"/>
        <source>%Ln more face(s)</source>
        <translation>
            <numerusform>另有 %Ln 张人脸</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>People:</source>
        <translation>人物：</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>%1 — cannot be displayed</source>
        <translation>%1 — 无法显示</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Taken</source>
        <translation>拍摄于</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>File date</source>
        <translation>文件日期</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Place</source>
        <translation>地点</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Media</source>
        <translation>媒体</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Camera</source>
        <translation>相机</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Orientation</source>
        <translation>方向</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>GPS</source>
        <translation>GPS</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File size</source>
        <translation>文件大小</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1:</source>
        <translation>%1：</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Text:</source>
        <translation>文字：</translation>
    </message>
    <message numerus="yes">
        <location line="+63"/>
        <location line="+3"/>
        <source>%Ln byte(s)</source>
        <extracomment>The narrowest a path label gets (its size hint: the form gives it the rest of the row).</extracomment>
        <translation>
            <numerusform>%Ln 字节</numerusform>
        </translation>
    </message>
</context>
</TS>
