"""Every line the command prints of its own, in English and in Chinese: the one catalogue.

A message is an id and two templates with the same fields. In English a count is written
``{guides:guide}``, which gives "1 guide" and "2 guides"; ``{n:entry|entries}`` names an
irregular plural. Chinese needs no plural and leaves the spec out.

>>> text("en", "validate.summary", files=1, invalid=0)
'1 file, 0 invalid'
>>> text("zh", "validate.summary", files=1, invalid=0)
'1 个文件，0 个无效'
"""

from __future__ import annotations

import string
from typing import Any, Final, Literal

Lang = Literal["en", "zh"]

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # shared
    "problem.warning": (" (warning)", "（警告）"),
    "io.cannot-read": ("cannot read {path}: {reason}", "无法读取 {path}：{reason}"),
    "io.cannot-write": ("cannot write to {path}: {reason}", "无法写入 {path}：{reason}"),
    "io.not-a-folder": ("{path} is not a folder", "{path} 不是目录"),
    "io.ENOENT": ("no such file or folder", "文件或目录不存在"),
    "io.EACCES": ("permission denied", "没有权限"),
    "io.EPERM": ("operation not permitted", "不允许该操作"),
    "io.EISDIR": ("it is a folder", "这是一个目录"),
    "io.ENOTDIR": ("a part of the path is not a folder", "路径中有一部分不是目录"),
    "io.ENOSPC": ("no space left on the disk", "磁盘空间不足"),
    "io.EROFS": ("the disk is read-only", "磁盘为只读"),
    "io.EEXIST": ("it exists already", "已存在"),
    "io.other": ("system error {errno}", "系统错误 {errno}"),
    "out.inside-source": (
        "--out {out} lies inside the source folder {source}: the output would be read as"
        " source on the next run; choose a folder outside it",
        "--out {out} 位于源目录 {source} 之内：下次运行会把输出当作源文件读取；"
        "请选择源目录之外的目录",
    ),
    "out.unsafe": (
        "refusing to overwrite or remove {count:file} that service-codes did not write or"
        " that changed since it wrote them; they would be lost:",
        "拒绝覆盖或删除 {count} 个文件：它们不是 service-codes 写出的，或写出后已被修改，"
        "继续将丢失其内容：",
    ),
    "out.unsafe-file": ("  {path} ({why})", "  {path}（{why}）"),
    "out.unsafe-changed": ("changed since service-codes wrote it", "写出后已被修改"),
    "out.unsafe-foreign": ("not written by service-codes", "不是 service-codes 写出的"),
    "out.unsafe-hint": (
        "nothing was written; keep a copy, or give --force to overwrite them",
        "未写出任何文件；请先备份，或加 --force 覆盖",
    ),
    "out.more": ("  ... and {count} more", "  …… 另有 {count} 个"),
    # build and export
    "build.read": ("read: {guides:guide} from {folder}", "读取：{folder} 中 {guides} 份办事指南"),
    "build.no-guides": ("no guides found in {folder}", "{folder} 中没有办事指南"),
    "build.validated": (
        "validate: {guides:guide}, {errors:error}, {warnings:warning}",
        "校验：{guides} 份办事指南，{errors} 个错误，{warnings} 个警告",
    ),
    "build.invalid": (
        "build failed: {invalid} of {total:guide} invalid; nothing was written",
        "构建失败：{total} 份中有 {invalid} 份无效，未写出任何文件",
    ),
    "build.assigned": (
        "assign: {guides:guide}, {new:new code} in {ledger}",
        "赋码：{guides} 份办事指南，新发放 {new} 个编码（{ledger}）",
    ),
    "build.new-ledger": (
        "a new code ledger was started at {ledger}",
        "已在 {ledger} 新建编码登记簿",
    ),
    "build.written": (
        "write: {guides:guide} ({formats}) and index.json to {out}",
        "写出：{guides} 份办事指南（{formats}）及 index.json 至 {out}",
    ),
    "build.written-incremental": (
        "write: {guides:guide} ({formats}) and index.json to {out}; {rebuilt} changed,"
        " the rest as built before",
        "写出：{guides} 份办事指南（{formats}）及 index.json 至 {out}；{rebuilt} 份有改动，"
        "其余沿用上次构建",
    ),
    "build.formats-kept": (
        "formats: {formats}, as in the last build to {out}",
        "格式：{formats}，与上次构建至 {out} 时相同",
    ),
    "build.formats-dropped": (
        "removed the {formats} files of the last build: this build writes {kept} only",
        "已删除上次构建的 {formats} 文件：本次只写出 {kept}",
    ),
    "build.phase-check": ("check", "校验"),
    "build.phase-write": ("write", "写出"),
    "export.refused": (
        "export failed: nothing was written to {out}",
        "导出失败：未向 {out} 写出任何文件",
    ),
    "export.written": (
        "write: {guides:guide} ({format}) and index.json to {out}",
        "写出：{guides} 份办事指南（{format}）及 index.json 至 {out}",
    ),
    "export.workbook": (
        "write: {guides:guide} to {workbook}",
        "写出：{guides} 份办事指南至 {workbook}",
    ),
    "export.refused-guide": ("{source}: {message}", "{source}：{message}"),
    "export.cpsv": (
        "write: {guides:guide} published of {all} as CPSV-AP to {document}",
        "写出：{all} 份中公开的 {guides} 份办事指南，以 CPSV-AP 写至 {document}",
    ),
    "export.check-cpsv-only": (
        "--check checks CPSV-AP linked data: it goes with --format {wanted}, not {format}",
        "--check 校验 CPSV-AP 关联数据：须与 --format {wanted} 同用，不能用于 {format}",
    ),
    "export.needs-linked-data": (
        "--check needs pyshacl and rdflib: pip install 'service-codes[linked-data]'",
        "--check 需要 pyshacl 与 rdflib：pip install 'service-codes[linked-data]'",
    ),
    "export.shacl-result": (
        "{focus}: {path}: {message} ({severity})",
        "{focus}：{path}：{message}（{severity}）",
    ),
    "export.shacl": (
        "check: {violations:violation} of the {shapes} shapes",
        "校验：违反 {shapes} 约束 {violations} 处",
    ),
    # lists
    "lists.rows": ("  {title} ({name}): {rows:row}", "  {title}（{name}）：{rows} 行"),
    "lists.written": (
        "write: {lists:list} ({formats}) from {guides:guide} to {out}",
        "写出：{lists} 份清单（{formats}），来自 {guides} 份办事指南，至 {out}",
    ),
    # validate and check
    "validate.summary": (
        "{files:file}, {invalid} invalid",
        "{files} 个文件，{invalid} 个无效",
    ),
    "validate.summary-unread": (
        "{files:file}, {invalid} invalid, {unread} could not be read",
        "{files} 个文件，{invalid} 个无效，{unread} 个无法读取",
    ),
    "check.difference": (
        "{matter} {name}: {element} differs ({kind})",
        "{matter} {name}：{element}不一致（{kind}）",
    ),
    "check.error": ("error", "错误"),
    "check.review": ("review", "待核"),
    "check.summary": (
        "check: {groups:matter} with several implementations, {errors:error}, {review} to review",
        "检查：{groups} 个事项有多个实施，{errors} 个错误，{review} 处待核",
    ),
    # checklist
    "checklist.question": ("{question}: one of {options}", "{question}：选一项 {options}"),
    "checklist.question-many": (
        "{question}: one or more of {options}",
        "{question}：可选多项 {options}",
    ),
    "checklist.heading": ("{name}", "{name}"),
    "checklist.condition": ("  condition: {text}", "  受理条件：{text}"),
    "checklist.material": (
        "  material {order}: {name} [{code}]",
        "  材料 {order}：{name}［{code}］",
    ),
    "checklist.uncoded": ("not coded yet", "尚未赋码"),
    "checklist.fee": ("  fee: {name}, {standard}", "  收费：{name}，{standard}"),
    "checklist.summary": (
        "{conditions:condition}, {materials:material}, {fees:fee} apply",
        "适用 {conditions} 项受理条件、{materials} 份材料、{fees} 项收费",
    ),
    # explain
    "explain.part": ("{text}  {name}: {meaning}", "{text}  {name}：{meaning}"),
    # import
    "import.neither": (
        "{path} is neither an .xlsx workbook, a .csv file nor a .json file of exchange records",
        "{path} 既不是 .xlsx 工作簿、.csv 文件，也不是交换记录 .json 文件",
    ),
    "import.needs-out": (
        "--out is required to import: the catalogue folder to write guides/<key>.json into",
        "导入需要 --out：写入 guides/<key>.json 的目录",
    ),
    "import.template": ("template written to {path}", "模板已写入 {path}"),
    "import.empty": (
        "{path} holds no guides besides the example row; nothing was written",
        "{path} 中除示例行外没有办事指南，未写出任何文件",
    ),
    "import.problem": (
        "{source}: {sheet}, row {row}, {column}: {message}",
        "{source}：{sheet}，第 {row} 行，{column}：{message}",
    ),
    "import.failed": (
        "import failed: {problems:problem}; nothing was written",
        "导入失败：{problems} 个问题，未写出任何文件",
    ),
    "import.phase-write": ("write", "写出"),
    "import.written": (
        "import: {guides:guide} written to {folder}, {problems:problem}",
        "导入：{guides} 份办事指南写入 {folder}，{problems} 个问题",
    ),
    "import.report-header": ("sheet\trow\tcolumn\tproblem", "工作表\t行\t列\t问题"),
    # render
    "render.twins": (
        "two guides would share a page name: {names}",
        "两份办事指南的页面会同名：{names}",
    ),
    "render.failed": (
        "render failed: {guides:guide} do not read; nothing was written",
        "生成失败：{guides} 份办事指南无法读取，未写出任何文件",
    ),
    "render.unpublished": (
        "{source}: not rendered: the guide is not published actively",
        "{source}：非主动公开的办事指南，未生成页面",
    ),
    "render.written": (
        "render: {pages:page} and index.html in {out}",
        "生成：{pages} 个页面及 index.html，位于 {out}",
    ),
    # diff
    "diff.both-kinds": (
        "OLD and NEW must both be files or both be folders",
        "新旧两方应同为文件或同为目录",
    ),
    "diff.guide": ("{name}: {changes:change}", "{name}：{changes} 处变化"),
    "diff.codes-changed": (
        "  ! the codes changed: a guide keeps its codes",
        "  ! 编码发生变化：办事指南应保持编码不变",
    ),
    "diff.not-coded": (
        "  (codes not compared: {side} has no codes yet; a build assigns them)",
        "  （未比较编码：{side}尚未赋码，构建时会赋码）",
    ),
    "diff.side-old": ("the old guide", "旧版"),
    "diff.side-new": ("the new guide", "新版"),
    "diff.version": ("  ! the version was not bumped", "  ! 事项版本未递增"),
    "diff.added": ("+ {name}: new guide", "+ {name}：新增办事指南"),
    "diff.removed": ("- {name}: removed", "- {name}：已删除"),
    "diff.summary": (
        "{added} added, {removed} removed, {changed} changed",
        "新增 {added}，删除 {removed}，变更 {changed}",
    ),
    # registry
    "registry.missing": ("no code ledger in {folder}", "{folder} 中没有编码登记簿"),
    "registry.ok": ("ledger OK: {events:event}", "登记簿完好：{events} 条事件"),
    "registry.cannot-repair": ("cannot repair: {reason}", "无法修复：{reason}"),
    "registry.repaired-newline": (
        "the last line was whole: gave it back its newline",
        "末行完整：已补回换行符",
    ),
    "registry.repaired-torn": (
        "removed {removed:byte} of a torn last line",
        "已截去不完整末行 {removed} 字节",
    ),
    "registry.nothing-to-repair": ("nothing to repair", "无需修复"),
    "registry.code-kind": ("code: {code} ({kind})", "编码：{code}（{kind}）"),
    "registry.composed": (
        "{kind}: composed from issued codes, never issued itself",
        "{kind}：由已发放的编码组合而成，本身不由登记簿发放",
    ),
    "registry.rests-on": ("{kind} {code}", "{kind} {code}"),
    "registry.not-issued": ("not issued here", "本登记簿未发放"),
    "registry.well-formed-not-issued": (
        "{code} is well-formed, not issued here",
        "{code} 格式正确，但本登记簿未发放",
    ),
    "registry.state": ("state: {state}", "状态：{state}"),
    "registry.in-use": ("in use", "在用"),
    "registry.state-retired": ("retired on {date}: {reason}", "已于 {date} 注销：{reason}"),
    "registry.state-merged": (
        "merged into {into} on {date}: {reason}",
        "已于 {date} 合并至 {into}：{reason}",
    ),
    "registry.state-split": (
        "split into {new} on {date}: {reason}",
        "已于 {date} 拆分为 {new}：{reason}",
    ),
    "registry.renamed": ("renamed {code} to {name}", "已将 {code} 更名为 {name}"),
    "registry.retired": ("retired {code}", "已注销 {code}"),
    "registry.reinstated": ("reinstated {code}", "已恢复 {code}"),
    "registry.merged": ("merged {others} into {keep}", "已将 {others} 合并至 {keep}"),
    "registry.split": ("split {code} into {new}", "已将 {code} 拆分为 {new}"),
    "registry.created": ("created an empty registry: {where}", "已新建空登记簿：{where}"),
    "registry.exists": (
        "a registry is already there: {where}; nothing was changed",
        "登记簿已存在：{where}；未作任何改动",
    ),
    "registry.exported": ("exported {events:event} to {file}", "已将 {events} 条事件导出至 {file}"),
    "registry.export-exists": (
        "{file} exists; give --force to overwrite it",
        "{file} 已存在；如需覆盖请加 --force",
    ),
    "registry.imported": (
        "imported {events:event} into {where}",
        "已向 {where} 导入 {events} 条事件",
    ),
    # review
    "review.finding": (
        "{file}: {pointer}: {what}; to waive it, give the digest {digest}",
        "{file}：{pointer}：{what}；如需豁免，摘要为 {digest}",
    ),
    "review.unreadable": (
        "{file}: not reviewed, it does not read: {message}",
        "{file}：无法读取，未审查：{message}",
    ),
    "review.lapsed": (
        "{file}: {pointer}: the waiver by {reviewer} covers nothing now: the text changed"
        " or holds nothing to review; remove it or waive the text again",
        "{file}：{pointer}：{reviewer} 的豁免已不覆盖任何内容：文本已改动或已无需审查；"
        "请删除该豁免或重新审查后豁免",
    ),
    # publish
    "publish.written": (
        "publish: {guides:guide} to {out}, release {number} of {time}: {added} added,"
        " {changed} changed, {withdrawn} withdrawn; logged in {log}",
        "发布：{guides} 份办事指南至 {out}，第 {number} 次发布（{time}）：新增 {added}，"
        "变更 {changed}，撤下 {withdrawn}；已记入 {log}",
    ),
    "publish.unchanged": (
        "publish: {guides:guide} to {out}, unchanged since release {number} of {time};"
        " the release log is as it was",
        "发布：{guides} 份办事指南至 {out}，与第 {number} 次发布（{time}）相同；发布台账未变",
    ),
    "publish.blocked": (
        "publish: the confidentiality review has {findings:open finding}: nothing was"
        " published; fix each text or waive it in {review}",
        "发布：保密审查有 {findings} 处待处理：未发布任何内容；请修改文本或在 {review} 中豁免",
    ),
    "publish.names": (
        "publish needs --publisher and --reviewer: who publishes answers for it",
        "发布须给出 --publisher 与 --reviewer：谁发布谁负责",
    ),
    "publish.entry": (
        "release {number} · {time} · published by {publisher} · reviewed by {reviewer}"
        " · service-codes {version} · {guides:guide}",
        "第 {number} 次发布 · {time} · 发布人 {publisher} · 审核人 {reviewer}"
        " · service-codes {version} · {guides} 份办事指南",
    ),
    "publish.change": ("  {kind}: {code} {name}", "  {kind}：{code} {name}"),
    "publish.change-of": (
        "  {kind}: {code} {name} ({elements})",
        "  {kind}：{code} {name}（{elements}）",
    ),
    "publish.kind-added": ("added", "新增"),
    "publish.kind-changed": ("changed", "变更"),
    "publish.kind-withdrawn": ("withdrawn", "撤下"),
    "publish.log-none": ("{log}: no release yet", "{log}：尚无发布记录"),
    "publish.events-changed": (
        "  the code ledger's published events changed",
        "  编码登记簿的公开事件有变化",
    ),
    "publish.incomplete": (
        "release {number} is logged but its site was not all written: publish again to complete it",
        "第 {number} 次发布已记入台账，但站点未写完：请再次发布以补全",
    ),
    "publish.log": (
        "{log}: {entries:entry|entries}, each sealed and chained in order",
        "{log}：{entries} 条记录，逐条校验无误",
    ),
    "review.summary": (
        "review: {guides:guide} scanned, {unpublished} not published, {findings:open finding},"
        " {waived} waived",
        "审查：扫描 {guides} 份办事指南，{unpublished} 份不公开，{findings} 处待审，"
        "{waived} 处已豁免",
    ),
    # usage errors of the command line itself
    "usage.error": ("usage error: {message}", "用法错误：{message}"),
    "usage.missing": ("missing {param}", "缺少参数 {param}"),
    "usage.no-such-option": ("no such option: {option}", "没有选项 {option}"),
    "usage.did-you-mean": ("(did you mean {options}?)", "（是否想用 {options}？）"),
    "usage.bad-value": ("invalid value for {param}: {value}", "参数 {param} 的取值无效：{value}"),
    "usage.not-found": ("{path} does not exist", "{path} 不存在"),
    "usage.choices": ("choose one of {choices}", "应为以下之一：{choices}"),
    "usage.no-command": ("no such command {name}", "没有命令 {name}"),
    "usage.aborted": ("aborted", "已中止"),
    "usage.help": ("try '{command} --help' for help", "用 '{command} --help' 查看帮助"),
}

# Separators that join a list of values inside a message.
LIST_SEPARATOR: Final = {"en": ", ", "zh": "、"}


class _Formatter(string.Formatter):
    """``{n:thing}`` is "1 thing" / "2 things" and ``{n:one|many}`` picks a word."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec and not format_spec[0].isdigit() and format_spec[0] not in "<>^=+-# .":
            one, _, many = format_spec.partition("|")
            return f"{value} {one if value == 1 else (many or one + 's')}"
        return str(super().format_field(value, format_spec))


_FORMATTER: Final = _Formatter()


def text(lang: Lang, key: str, /, **fields: Any) -> str:
    """The message ``key`` in ``lang``, with its fields filled in."""
    template = MESSAGES[key][lang == "zh"]
    return _FORMATTER.format(template, **fields)


def join(lang: Lang, items: Any) -> str:
    """Values listed the way the language lists them (", " or "、")."""
    return LIST_SEPARATOR[lang].join(str(item) for item in items)
