"""A judged query set over the reference site (issue 28): what a citizen types, and the item they
mean (its address). tests/test_search_quality.py requires each in the top 3 of the search page;
bench/search_quality.py runs the set against any built site (the Pagefind build before, too).
"""

from __future__ import annotations

JUDGED: list[tuple[str, str]] = [
    ("临时救助实施办法", "fdzdgknr/zcwj/20250610-linshi-jiuzhu-banfa/"),
    ("临时救助政策解读", "fdzdgknr/zcjd/20250610-jiedu-linshi-jiuzhu-banfa/"),
    ("义务教育阶段招生", "fdzdgknr/zcwj/20260422-yiwu-jiaoyu-zhaosheng-fangan/"),
    ("取暖补助", "fdzdgknr/zcwj/20261016-dongchunji-qunuan-buzhu-fangan/"),
    ("2026年县级财政预算", "fdzdgknr/czyjs/20260120-2026-xianji-yusuan/"),
    ("2025 决算", "fdzdgknr/czyjs/20260908-2025-xianji-juesuan/"),
    ("十四五 教育规划", "fdzdgknr/ghjh/20211220-shisiwu-jiaoyu-guihua/"),
    ("五年规划纲要", "fdzdgknr/ghjh/20260212-shiwuwu-guihua-gangyao/"),
    ("公务员招录职位", "fdzdgknr/gwyzk/20250312-gongwuyuan-zhiwei/"),
    ("公务员拟录用人员", "fdzdgknr/gwyzk/20260708-gongwuyuan-ni-luyong-gongshi/"),
    ("校园食品安全", "fdzdgknr/jdjc/20251120-xiaoyuan-shipin-anquan-jiancha/"),
    ("源教〔2025〕61号", "fdzdgknr/jdjc/20251120-xiaoyuan-shipin-anquan-jiancha/"),
    ("公共场所卫生监督", "fdzdgknr/jdjc/20260720-gonggong-changsuo-choujian/"),
    ("卫生健康局机构职能", "fdzdgknr/jgzn/20230515-weijianju-jigou-zhineng/"),
    ("人民政府办公室机构职能", "fdzdgknr/jgzn/20260302-xianzhengfuban-jigou-zhineng/"),
    ("最低生活保障", "fdzdgknr/msxx/20260408-dahua-2026q1-dibao-gongshi/"),
    ("学生资助", "fdzdgknr/msxx/20260825-xuesheng-zizhu-gao-jiazhang-shu/"),
    ("为民办实事", "fdzdgknr/qtxx/20261028-2026-weimin-banshishi-jinzhan/"),
    ("行政事业性收费 2026", "fdzdgknr/sfxm/20260325-shoufei-mulu-2026/"),
    ("2024 统计公报", "fdzdgknr/tjxx/20250418-2024-tongji-gongbao/"),
    ("前三季度主要经济指标", "fdzdgknr/tjxx/20261030-2026-qiansanjidu-zhuyao-zhibiao/"),
    ("源卫健罚〔2025〕3号", "fdzdgknr/xzcf/20250408-xingzheng-chufa-feifa-xingyi/"),
    ("行政许可办理结果", "fdzdgknr/xzxk/20261012-weijian-2026q3-xuke-jieguo/"),
    ("民办幼儿园办学许可", "fdzdgknr/xzxk/20240910-minban-youeryuan-banxue-xuke/"),
    ("突发公共卫生事件应急预案", "fdzdgknr/yjgl/20250730-tufa-gonggong-weisheng-yuan/"),
    ("防汛应急预案", "fdzdgknr/yjgl/20260512-chengguan-2026-fangxun-yuan/"),
    ("2026年政务公开工作要点", "zhidu/20260318-2026-zhengwu-gongkai-yaodian/"),
    ("九府发〔2016〕31号", "fdzdgknr/zcwj/20161209-jiujiang-zhengwu-gongkai-yijian/"),
    ("源政办[2019]45号", "fdzdgknr/zcwj/20190820-linshi-jiuzhu-banfa-2019/"),
    ("源政办（2026）58号", "fdzdgknr/zcwj/20261016-dongchunji-qunuan-buzhu-fangan/"),
    ("财政专项资金管理办法", "fdzdgknr/zcwj/20240516-caizheng-zhuanxiang-zijin-guanli/"),
    ("高标准农田", "fdzdgknr/zdjsxm/20241018-dahua-gaobiaozhun-nongtian/"),
    ("老旧小区改造", "fdzdgknr/zdjsxm/20260520-laojiu-xiaoqu-gaizao-pizhun/"),
    ("卫生健康局 采购意向", "fdzdgknr/zfcg/20260626-weijianju-2026-q3-caigou-yixiang/"),
    ("湟源县2025年政府信息公开工作年度报告", "nianbao/20260128-huangyuan-2025-nianbao/"),
    ("政务新媒体检查", "zhidu/20221020-yongchang-2022-q3-jiancha-tongbao/"),
    ("信息公开制度汇编", "zhidu/20190612-xinxi-gongkai-zhidu-huibian/"),
    ("008290030/2018-02662", "fdzdgknr/zcwj/20180821-zigong-2018-zhengwu-gongkai-yaodian/"),
    ("图解 政务公开", "fdzdgknr/zcjd/20181214-tujie-jiaqiang-zhengwu-gongkai/"),
    ("盐池县", "nianbao/20210128-yanchi-2020-nianbao/"),
]

# Queries of each kind a citizen types (issue #26) and the item that must come first: a title
# phrase, a 文号 in three bracket styles, a 索引号, topics, a unit, a year with a word, the end of
# a 文号. tests/test_search_citizen.py requires each first on the search page.
FIRST_RESULTS = [
    ("城镇老旧小区改造项目", "fdzdgknr/zdjsxm/20260520-laojiu-xiaoqu-gaizao-pizhun/"),  # title
    ("源政办〔2019〕45号", "fdzdgknr/zcwj/20190820-linshi-jiuzhu-banfa-2019/"),  # 文号, as written
    (
        "源政办[2019]45号",
        "fdzdgknr/zcwj/20190820-linshi-jiuzhu-banfa-2019/",
    ),  # … in []
    (
        "源政办（2019）45号",
        "fdzdgknr/zcwj/20190820-linshi-jiuzhu-banfa-2019/",
    ),  # … in （）
    ("015180001/2025-00027", "fdzdgknr/zcwj/20250610-linshi-jiuzhu-banfa/"),  # 索引号
    ("最低生活保障", "fdzdgknr/msxx/20260408-dahua-2026q1-dibao-gongshi/"),  # topic
    ("校园食品安全", "fdzdgknr/jdjc/20251120-xiaoyuan-shipin-anquan-jiancha/"),  # topic
    ("湟源县教育局", "fdzdgknr/zcwj/20260422-yiwu-jiaoyu-zhaosheng-fangan/"),  # unit
    ("2025 决算", "fdzdgknr/czyjs/20260908-2025-xianji-juesuan/"),  # year and a word
    ("51号", "fdzdgknr/zcwj/20181214-jiaqiang-zhengwu-gongkai/"),  # the end of a 文号
]
