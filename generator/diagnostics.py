"""Diagnostics: values describing one problem each, and the registry of their codes.

Every check in the generator reports through :class:`Report` instead of raising, so that one run
shows all problems at once. Codes are stable identifiers (``E-INDEX-DUP``) that clerks, CI
annotations and the clerk's guide refer to; :data:`CODES` is the single list of them.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Category(StrEnum):
    """Decides the exit code: content problems give 1, configuration problems give 2."""

    CONTENT = "content"
    CONFIG = "config"


@dataclass(frozen=True)
class Code:
    id: str
    severity: Severity
    meaning: str
    fix: str
    category: Category = Category.CONTENT


def _code(id: str, meaning: str, fix: str, *, warning: bool = False, config: bool = False) -> Code:
    return Code(
        id=id,
        severity=Severity.WARNING if warning else Severity.ERROR,
        meaning=meaning,
        fix=fix,
        category=Category.CONFIG if config else Category.CONTENT,
    )


_ALL_CODES = [
    # Reading the file
    _code(
        "E-FILE-BINARY",
        "文件不是文本（含有 NUL 字节或为二进制文件）",
        "条目必须是 Markdown 文本文件；附件请用链接引用",
    ),
    _code("E-FILE-TOO-LARGE", "文件过大", "把正文中的大段内容改为附件（PDF 等）并在正文中链接"),
    _code(
        "E-ENCODING-GBK",
        "文件是 GBK/GB18030 编码，不是 UTF-8",
        "用记事本“另存为”，编码选“UTF-8”；或运行 disclosure fix",
    ),
    _code("E-ENCODING-UTF16", "文件是 UTF-16 编码，不是 UTF-8", "用记事本“另存为”，编码选“UTF-8”"),
    _code("E-ENCODING-UNKNOWN", "无法识别文件编码", "用编辑器把文件另存为 UTF-8 编码"),
    _code(
        "E-FM-MISSING",
        "缺少元数据（front matter）",
        "文件第一行写 ---，随后逐行写“键: 值”，再用一行 --- 结束",
    ),
    _code("E-FM-UNCLOSED", "元数据没有结束行 ---", "在最后一个“键: 值”之后加一行 ---，再写正文"),
    _code(
        "E-FM-FULLWIDTH-COLON", "键后面用了全角冒号“：”", "把“：”改为半角冒号“:”并在其后加一个空格"
    ),
    _code("E-FM-FULLWIDTH-SPACE", "键所在行含全角空格（U+3000）", "把全角空格改为半角空格，或删除"),
    _code("E-FM-TAB", "元数据中用了制表符（Tab）缩进", "把 Tab 改为空格"),
    _code("E-YAML-SYNTAX", "元数据 YAML 语法错误", "按提示检查冒号、引号和缩进"),
    _code(
        "E-FM-NOT-MAPPING", "元数据不是“键: 值”的形式", "每行写“键: 值”，冒号为半角，冒号后加空格"
    ),
    _code("E-FM-DUP-KEY", "同一个键出现了两次", "删除重复的一行，只保留一个"),
    _code("E-FM-ALIAS", "元数据中使用了 YAML 锚点或别名（& 或 *）", "直接写出值，不要用 & 和 *"),
    _code("E-FM-TOO-COMPLEX", "元数据嵌套过深或过大", "元数据只写简单的“键: 值”和列表"),
    _code(
        "E-KEY-UNKNOWN",
        "未知的元数据键",
        "改为规定的键名（可用中文别名）；自定义内容放在 extra: 下",
    ),
    _code("E-KEY-TWICE", "同一字段既写了英文键又写了中文别名", "只保留其中一个"),
    _code("E-FIELD-TYPE", "字段值的类型不对", "按字段要求填写：文本、日期或列表"),
    # Fields
    _code("E-REQUIRED", "缺少必填字段", "补上该字段"),
    _code("E-TITLE-MULTILINE", "标题不是一行", "把标题写在一行内"),
    _code(
        "E-MARKDOWN-NESTING",
        "正文嵌套过深（列表、引用、强调、链接或 HTML 元素层层套叠），无法转换为网页",
        "删去多余的符号，或把内容拆成几段、几个并列的列表",
    ),
    _code(
        "E-MARKDOWN-SLOW",
        "正文转换为网页超过时限仍未完成（多为大量未闭合的 HTML 标签，如成串的“<a ”）",
        "删去未闭合的标签或异常长的行；确需很长的正文，可在 mkdocs.yml 的 disclosure 插件中调大 markdown_seconds",
    ),
    _code(
        "E-FM-CONTROL-CHAR",
        "元数据的值含有控制字符（看不见，会使订阅源等 XML 文件无法解析）",
        "删除该字符；多由复制粘贴或双引号中的转义写法（\\x01、\\u001b）带入",
    ),
    _code(
        "E-INDEX-FORMAT",
        "索引号格式不对",
        "按“机构代码/年份-五位流水号”填写，如 015180001/2024-00012；可用 disclosure new 自动生成",
    ),
    _code("E-INDEX-UNIT", "索引号的机构代码不是发布机构的代码", "把索引号前段改为发布机构的代码"),
    _code(
        "E-INDEX-YEAR",
        "索引号的年份与发布日期的年份不一致",
        "把索引号年份改为发布年份（索引号一经发布不再更改，未发布前请修正）",
    ),
    _code(
        "E-INDEX-DUP",
        "索引号重复",
        "给后添加的条目换一个未使用的流水号（disclosure new 会自动分配）",
    ),
    _code(
        "E-DOCNO-DUP",
        "两个已发布的条目文号相同，又没有替代关系",
        "核对文号；修订后重新印发的文件，在旧文件中写“替代文件: 新文件的索引号”和“有效性: 已修订”",
    ),
    _code(
        "E-ITEM-EMPTY",
        "条目没有正文，也没有附件",
        "在结束元数据的 --- 之后写正文，或用 `[附件名称](附件文件名.pdf)` 链接放在条目旁边的附件",
    ),
    _code(
        "E-DOCNO-BRACKET",
        "文号的年份括号不是六角括号〔〕",
        "年份用六角括号〔〕（U+3014、U+3015），按提示的正确写法修改",
    ),
    _code("E-DOCNO-ZERO", "文号序号有前导零或“第”字", "序号不编虚位、不加“第”字，按提示修改"),
    _code(
        "E-DOCNO-FORMAT", "文号格式不对", "按“机关代字〔年份〕序号号”填写，如 源政办〔2018〕51号"
    ),
    _code("E-DOCNO-YEAR", "文号年份晚于成文或发布年份", "核对文号年份与成文日期"),
    _code(
        "E-PUBLISHER-UNKNOWN",
        "发布机构不在 columns.yml 的机构名录中",
        "填写名录中的机构全称或简称，或先在 columns.yml 的 units 中登记",
    ),
    _code(
        "E-PUBLISHER-NOT-ALLOWED",
        "该机构不能在此栏目发布",
        "换到正确的栏目，或在 columns.yml 该栏目的 units 中加上此机构",
    ),
    _code(
        "E-TOPIC-UNKNOWN", "主题分类不在词表中", "从主题分类词表中选择，格式为“一级”或“一级/二级”"
    ),
    _code("E-DISCLOSURE-VALUE", "公开属性取值不对", "填写 主动公开、依申请公开 或 不予公开"),
    _code("E-DATE-FORMAT", "日期格式不对", "按 YYYY-MM-DD 填写，如 2024-03-05"),
    _code("E-DATE-INVALID", "日期不存在", "核对年月日（如 2 月没有 30 日）"),
    _code("E-DATE-ORDER", "成文日期晚于发布日期", "核对成文日期和发布日期"),
    _code("E-GENRE-UNKNOWN", "体裁不在规定的文种中", "填写 15 种公文文种之一，或“其他”"),
    _code("E-SUMMARY-LONG", "内容概述超过 100 字", "压缩到 100 字以内"),
    _code("E-VALIDITY-VALUE", "有效性取值不对", "填写 现行有效、已修订、已废止 或 失效"),
    _code(
        "E-SUPERSEDED-VALIDITY",
        "填写了替代文件，但有效性不是已修订或已废止",
        "把有效性改为 已修订 或 已废止，或删除替代文件",
    ),
    _code("E-DRAFT-VALUE", "草稿字段取值不对", "填写 true（草稿，不发布）或 false"),
    _code("E-REF-MISSING", "引用的索引号找不到对应条目", "核对索引号，或先发布被引用的条目"),
    _code(
        "E-REF-NOT-PUBLIC",
        "引用的条目不公开，公开页面上的链接会失效",
        "只引用主动公开且已发布的条目",
    ),
    _code("E-SUPERSEDE-CYCLE", "替代文件形成循环", "检查替代关系，新文件不能被旧文件替代"),
    _code(
        "E-APPROVAL-MISSING",
        "未经审核不得发布：缺少审核人或签发人",
        "填写审核人（reviewer）和签发人（approver）",
    ),
    _code("E-ITEM-PLACE", "Markdown 文件不在列表栏目中", "把条目放到列表栏目的文件夹里"),
    # The preview (`disclosure serve`): shown in the browser instead of the site until fixed
    _code(
        "E-PREVIEW",
        "预览无法生成网站（mkdocs.yml、模板或文件读写出错）",
        "按消息改正 mkdocs.yml 或 theme/ 中的模板，保存后预览自动刷新",
        config=True,
    ),
    # The catalog (configuration errors: exit code 2)
    _code(
        "E-CATALOG-MISSING",
        "找不到 columns.yml",
        "在站点根目录创建 columns.yml（栏目目录、发布机构名录和主题分类，写法见生成器 README 的“站点目录”）",
        config=True,
    ),
    _code("E-CATALOG-YAML", "columns.yml 语法错误", "按提示修正 columns.yml", config=True),
    _code(
        "E-CATALOG-KEY",
        "columns.yml 中有未知的键或缺少必填键",
        "按生成器 README 的“站点目录”修正 columns.yml",
        config=True,
    ),
    _code("E-CATALOG-VALUE", "columns.yml 中的取值不对", "按提示修正 columns.yml", config=True),
    _code("E-CATALOG-COLUMN-DUP", "栏目 id 重复", "每个栏目使用不同的 id", config=True),
    _code(
        "E-CATALOG-TYPE",
        "栏目类型（type）不是规定的 ColumnType",
        "从网页设计规范的栏目类型中选择",
        config=True,
    ),
    _code(
        "E-CATALOG-UNIT-DUP",
        "机构名称、简称或代码重复",
        "每个机构的名称、简称、代码都必须唯一",
        config=True,
    ),
    _code(
        "E-CATALOG-UNIT-CODE",
        "机构代码格式不对",
        "填写 9 位组织机构代码或 18 位统一社会信用代码",
        config=True,
    ),
    _code(
        "E-CATALOG-FOLDER-MISSING",
        "栏目没有对应的文件夹",
        "在 content/ 下创建该栏目的文件夹",
        config=True,
    ),
    _code(
        "E-CATALOG-FOLDER-UNKNOWN",
        "content/ 下的文件夹不是任何栏目",
        "在 columns.yml 中登记该栏目，或移走该文件夹",
        config=True,
    ),
    _code(
        "E-CATALOG-PAGE-MISSING",
        "单页栏目缺少 index.md",
        "在该栏目的文件夹中创建 index.md",
        config=True,
    ),
    # Whole-site findings
    _code(
        "W-COLUMN-EMPTY",
        "空白栏目：栏目下没有已发布的条目",
        "发布内容，或从栏目目录中移除该栏目",
        warning=True,
    ),
    _code(
        "W-COLUMN-STALE", "栏目更新不及时", "发布新内容，或调整该栏目的 update_within", warning=True
    ),
    _code(
        "W-INTERPRETATION-RATIO",
        "解读比例低于 columns.yml 中 inspection 的要求",
        "为缺少解读的政策文件发布政策解读（interprets 填写政策文件的索引号）",
        warning=True,
    ),
    # Links (issue #4): before rendering, in the Markdown sources
    _code(
        "W-FILE-ORPHAN",
        "content/ 中的文件没有任何条目链接，不会发布",
        "在要发布它的条目正文中链接它，如 `[附件名称](文件名.pdf)`；不需要的文件请删除",
        warning=True,
    ),
    _code(
        "E-LINK-MISSING",
        "链接的文件不存在",
        "核对文件名（区分大小写）和相对路径；附件要放在条目旁边",
    ),
    _code(
        "E-LINK-NOT-PUBLIC",
        "链接指向不公开的条目（依申请公开、不予公开、草稿或尚未到发布日期），"
        "或指向这样的条目所用的附件（附件也不会发布）",
        "删除该链接，或等被链接的条目发布后再链接；公开条目要用同一份材料时，另存一个副本",
    ),
    _code(
        "E-LINK-OUTSIDE",
        "链接指向 content/ 以外的位置或本机文件路径",
        "把文件放进 content/ 中条目旁边，用相对路径链接，如 附件1.pdf",
    ),
    # Links: after rendering, in the generated HTML
    _code(
        "E-LINK-DEAD",
        "生成的网站中有死链：链接、图片或附件的目标不存在",
        "修正 Markdown 中的链接；若链接来自模板（theme/），修正模板",
    ),
    _code(
        "E-LINK-ANCHOR",
        "链接的锚点（#…）在目标页面中不存在",
        "改为目标页面中存在的标题锚点，或删除 # 之后的部分",
    ),
    _code(
        "W-LINK-EXTERNAL",
        "外部链接无法访问",
        "核对网址；网站已迁移时改为新网址，已撤销时删除链接",
        warning=True,
    ),
    # Search index (issue #28): written by the build from the site model and the item pages
    _code(
        "E-SEARCH-FAILED",
        "无法写入检索索引文件（search-index/）",
        "检查磁盘空间和 site/ 所在目录的写权限后重新生成",
    ),
    _code(
        "E-SEARCH-INCOMPLETE",
        "检索索引读不到应公开条目页面的正文",
        '自定义 theme/ 覆盖 item.html 时保留正文外的 <!--dp:search--> 注释和 class="dp-body" 的正文容器；'
        "不要改动 use_directory_urls",
    ),
    # Annual reports (issue #8): the statistical tables in <item>.tables.yml beside the report
    _code(
        "E-REPORT-YAML",
        "年报统计表文件（.tables.yml）无法解析",
        "按提示检查冒号、方括号和缩进；可对照参考站点 content/nianbao/ 中的统计表文件",
    ),
    _code(
        "E-REPORT-PLACE",
        "统计表文件没有对应的年报条目",
        "统计表文件与年报条目同名（把 .md 换成 .tables.yml），放在“信息公开年报”类型的栏目中",
    ),
    _code(
        "E-REPORT-FORMAT",
        "年报统计表的结构不对：缺少或多出表、行，或一行的数字个数不对",
        "按国办公开办函〔2021〕30号的表格填写，键名见提示；一行的数字按表中列的顺序写在方括号里",
    ),
    _code(
        "E-REPORT-VALUE",
        "年报统计表中的取值不对",
        "件数填非负整数（没有的填 0），收费金额填以万元为单位的数字；年度填四位年份",
    ),
    _code(
        "E-REPORT-TOTAL",
        "年报统计表中的总计不等于各分项之和",
        "按提示核对该总计及其各分项，改正填错的数字",
    ),
    _code(
        "E-REPORT-BALANCE",
        "表三勾稽关系不成立：第一项加第二项之和不等于第三项（七）总计加第四项之和",
        "核对本年新收、上年结转、办理结果总计和结转下年度的数字",
    ),
    _code(
        "W-REPORT-DOCS",
        "年报表二的规章、行政规范性文件件数与本站政策文件栏目的条目不一致",
        "核对年报数字；或补发本站缺少的文件、更正文件的有效性和替代文件；"
        "统计范围不对时在统计表文件中填写“统计范围”",
        warning=True,
    ),
    # Trust and safety (issue #6): privacy, raw HTML, paths, concurrent builds
    _code(
        "E-PRIVACY-ID-CARD",
        "疑似公民身份号码：个人隐私不得公开",
        "删除或去标识化（只保留前 3 位和后 2 位）；依法确需公开的，在元数据中写 隐私豁免（类型和理由）",
    ),
    _code(
        "E-PRIVACY-MOBILE",
        "疑似个人手机号码：个人隐私不得公开",
        "删除或去标识化，公开办公电话；依法确需公开的，在元数据中写 隐私豁免（类型和理由）",
    ),
    _code(
        "E-PRIVACY-BANK-CARD",
        "疑似银行卡号：个人隐私不得公开",
        "删除或去标识化（只保留前 3 位和后 2 位）；依法确需公开的，在元数据中写 隐私豁免（类型和理由）",
    ),
    _code(
        "E-PRIVACY-UNREADABLE",
        "公开页面链接的文本、CSV、Word 或 Excel 附件无法读取，不能确认其中没有个人信息",
        "用办公软件重新另存为同类型文件（文本和 CSV 用 UTF-8 或 GB18030 编码）",
    ),
    _code(
        "W-PRIVACY-PDF-UNREADABLE",
        "公开页面链接的 PDF 附件无法读取文字（损坏、设有打开密码或格式特殊），未能检查其中的个人信息",
        "打开 PDF 人工确认没有个人信息；或重新导出为不设打开密码的 PDF",
        warning=True,
    ),
    _code(
        "E-PRIVACY-EXEMPT",
        "隐私豁免写得不完整：缺少类型或理由，或类型不认识",
        "在 隐私豁免 下分行写“类型: 手机号码”（身份证号码、手机号码、银行卡号）和“理由: 公开的依据”",
    ),
    _code(
        "E-HTML-TAG",
        "正文中有允许清单以外的 HTML 元素（脚本、内嵌网页、插件、表单、样式表、meta、base、"
        "plaintext、svg 等），或元数据、栏目名称中有 HTML 标记；净化时会被删除",
        "删除该元素；视频、地图等请作为附件或用普通链接。正文可用的元素见 README“安全与可靠”："
        "段落、标题、列表、表格、链接、图片、span、div、br、sup、sub 等",
    ),
    _code(
        "E-HTML-ATTR",
        "HTML 元素上有允许清单以外的属性：事件属性（onclick、onerror 等）、style（表格对齐"
        "以外）、不在清单中的 class，包括 Markdown 的 {: … } 写法；净化时会被删除",
        "删除该属性；{: … } 只能写 #编号 和清单中的 .样式类",
    ),
    _code(
        "E-HTML-URL",
        "链接或图片地址不是 http、https、mailto、tel 或相对路径（如 javascript:、data:）；"
        "净化时会被删除",
        "改为 http(s) 网址或本站附件的相对路径",
    ),
    _code(
        "E-PATH-ENCODING",
        "content/ 中的文件名或文件夹名不是 UTF-8 编码（多见于旧版解压软件解开的 GBK 文件名）",
        "在本机重新输入该文件名；解压时选择 UTF-8，或用新版解压软件",
        config=True,
    ),
    _code(
        "E-PATH-SYMLINK",
        "content/ 中有符号链接（快捷方式）：生成时不会读取它",
        "删除该链接，把文件本身复制到 content/ 中条目旁边",
    ),
    _code(
        "E-PATH-NAME",
        "文件名含有引号、尖括号、反引号或控制字符，会进入网址和列表",
        "给文件改名，只用汉字、字母、数字、-、_ 和 .",
    ),
    _code(
        "E-ATTACHMENT-TYPE",
        "附件类型不能发布（网页、SVG、脚本、程序，或清单以外的类型）",
        "转换为 PDF 等允许的格式（pdf、ofd、doc、docx、wps、xls、xlsx、et、ppt、pptx、txt、"
        "csv、jpg、jpeg、png、gif、zip、rar、7z），或删除该文件",
    ),
    _code(
        "E-ATTACHMENT-CONTENT",
        "附件的内容与扩展名不符（如改名为 .pdf 的网页），或文本附件中有网页标记",
        "用原软件重新导出为该格式，或改正扩展名",
    ),
]

CODES: dict[str, Code] = {code.id: code for code in _ALL_CODES}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located in a file. Ordered by file, line, column for stable output."""

    file: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = field(compare=False)

    @property
    def category(self) -> Category:
        return CODES[self.code].category

    def as_text(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity} {self.code} {self.message}"

    def as_github(self) -> str:
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return (
            f"::{self.severity} file={self.file},line={self.line},col={self.column},"
            f"title={self.code}::{message}"
        )

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


class Report:
    """Collects diagnostics; every check takes one and adds to it."""

    def __init__(self) -> None:
        self._diagnostics: list[Diagnostic] = []

    def add(
        self,
        code: str,
        file: str,
        line: int,
        message: str,
        column: int = 1,
        severity: Severity | None = None,
    ) -> None:
        registered = CODES[code]
        self._diagnostics.append(
            Diagnostic(
                file=file,
                line=max(line, 1),
                column=max(column, 1),
                code=code,
                message=message,
                severity=severity or registered.severity,
            )
        )

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self._diagnostics.extend(diagnostics)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(sorted(self._diagnostics))

    def __len__(self) -> int:
        return len(self._diagnostics)

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self._diagnostics)

    def has_config_errors(self) -> bool:
        return any(
            d.severity is Severity.ERROR and d.category is Category.CONFIG
            for d in self._diagnostics
        )

    def exit_code(self) -> int:
        """0 good, 1 content errors, 2 configuration errors (SPEC §7)."""
        if self.has_config_errors():
            return 2
        return 1 if self.has_errors() else 0


def format_report(diagnostics: Iterable[Diagnostic], output_format: str) -> str:
    diagnostics = list(diagnostics)
    if output_format == "json":
        return json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=2)
    if output_format == "github":
        return "\n".join(d.as_github() for d in diagnostics)
    return "\n".join(d.as_text() for d in diagnostics)


def summary_line(diagnostics: Iterable[Diagnostic]) -> str:
    diagnostics = list(diagnostics)
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = len(diagnostics) - errors
    files = len({d.file for d in diagnostics})
    if not diagnostics:
        return "检查通过：没有发现问题。"
    return f"发现 {errors} 个错误、{warnings} 个警告，涉及 {files} 个文件。"


def did_you_mean(name: str, candidates: Iterable[str], cutoff: float) -> str:
    """“是不是“…”？” with the candidate closest to ``name``, or "" when none is close enough."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=cutoff)
    return f"是不是“{close[0]}”？" if close else ""
