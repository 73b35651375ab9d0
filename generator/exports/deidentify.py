"""De-identification of free text quoted in reports (contract Appendix 3, 数据保密协议).

The 诉求内容 of a ticket is typed by an agent or pasted from a chat, so personal details come in every
shape: ``138 1234 5678``, ``+86-138…``, full-width ``１３８…``, traditional characters, spaced names.
Detection therefore runs on a *shadow* of the text: a same-length copy in which every character that
NFKC folds to one printable ASCII character (full-width forms, U+FF01..U+FF5E) and every Unicode
decimal digit becomes ASCII, blanks (U+3000, zero-width characters) become a space, dashes a hyphen,
middle dots ``·``, and traditional characters of a compact table their simplified form. Spans found
in the shadow are cut out of the original text, so everything that is kept keeps its own Chinese
punctuation and script.

What is replaced, and how it reads:

* mobiles, landlines (also bare 7/8-digit local numbers), ID numbers (18 and 15 digits), passports,
  bank cards, e-mail addresses, number plates, WeChat/QQ/抖音 ids: when the text names the kind just
  before the value the value becomes ``已隐去`` (``联系电话：已隐去``, ``身份证号已隐去``), otherwise a
  bracketed label (``（电话已隐去）``); a value already inside brackets gets the label alone;
* addresses: the town, street or community is kept and everything from the house or building number
  on becomes ``（门牌已隐去）`` (``（地址已隐去）`` when no place name precedes it);
* names: ``王某`` for 王建国, ``王某先生`` for 王建国先生. A surname with a title (王先生, 李女士) or
  an already anonymised form (赵某某) carries no more than a surname and is kept.

Deliberately kept: dates, times, amounts, counts, percentages, the hotline's own numbers (12345,
0898-12345, 10000+9), 400/800 business numbers, policy numbers such as 琼府〔2023〕12号 and ticket
numbers such as LS202405000123 (an internal reference, not a person's data; reports cite them).

Every pattern is linear: bounded repetitions, no nested unbounded quantifiers, atomic groups where
alternatives could overlap. A 20,000-character text takes about 15 ms.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["contains_personal_data", "deidentify", "shadow"]

# Simplified ↔ traditional pairs (simplified first) for characters of names, places and the keywords
# the detectors look for. Only pairs whose traditional form is not itself a simplified character
# (outside GB 2312) are listed, so mapping them in the shadow never changes a simplified text.
_TRADITIONAL_PAIRS = (
    "万萬 东東 严嚴 丰豐 临臨 丽麗 举舉 义義 乌烏 乐樂 乔喬 习習 乡鄉 书書 买買 云雲 "
    "亚亞 亿億 从從 仪儀 众眾 优優 会會 伟偉 传傳 伦倫 余餘 侠俠 俭儉 倾傾 偿償 储儲 "
    "儿兒 兰蘭 关關 兴興 养養 冈岡 军軍 农農 冯馮 冲衝 净淨 凉涼 凌淩 凤鳳 凫鳧 凯凱 "
    "击擊 刘劉 则則 刚剛 创創 别別 剑劍 劝勸 办辦 务務 动動 励勵 劲勁 劳勞 势勢 勋勳 "
    "区區 医醫 华華 协協 单單 卖賣 卢盧 卫衛 厂廠 厅廳 历歷 压壓 厦廈 县縣 参參 双雙 "
    "发發 发髮 变變 叙敘 台臺 叶葉 号號 叹嘆 吕呂 听聽 启啟 吴吳 员員 咏詠 响響 唤喚 "
    "啸嘯 园園 围圍 国國 图圖 圆圓 圣聖 场場 坚堅 坛壇 垦墾 墙牆 壮壯 声聲 处處 备備 "
    "夺奪 奋奮 奖獎 妆妝 妇婦 妈媽 姜薑 娇嬌 娱娛 婴嬰 婵嬋 孙孫 学學 宁寧 宝寶 实實 "
    "宠寵 审審 宪憲 宫宮 宽寬 宾賓 对對 寻尋 导導 寿壽 将將 尔爾 尘塵 尝嘗 层層 屿嶼 "
    "岁歲 岖嶇 岗崗 岚嵐 岛島 岭嶺 峄嶧 峡峽 峤嶠 峦巒 巩鞏 币幣 帅帥 师師 帐帳 带帶 "
    "帮幫 干幹 广廣 庄莊 庆慶 库庫 应應 庙廟 庞龐 开開 张張 弥彌 弯彎 弹彈 强強 归歸 "
    "当當 录錄 彻徹 径徑 忆憶 怀懷 态態 怜憐 恋戀 恳懇 恶惡 悦悅 惊驚 惧懼 惨慘 惯慣 "
    "愤憤 愿願 懒懶 戏戲 战戰 执執 扩擴 扫掃 扬揚 扰擾 抚撫 抢搶 护護 报報 担擔 拟擬 "
    "拥擁 择擇 挂掛 挚摯 挥揮 损損 换換 据據 揽攬 携攜 摄攝 摆擺 摇搖 敌敵 数數 斋齋 "
    "断斷 无無 旧舊 时時 旷曠 昙曇 昼晝 显顯 晋晉 晒曬 晓曉 晔曄 晕暈 晖暉 暂暫 暧曖 "
    "术術 朴樸 机機 杀殺 杂雜 权權 条條 来來 杨楊 杰傑 极極 构構 枣棗 枪槍 柜櫃 标標 "
    "栋棟 栏欄 树樹 样樣 桥橋 桦樺 梦夢 检檢 楼樓 横橫 樱櫻 欢歡 欧歐 残殘 毕畢 气氣 "
    "汇匯 汉漢 汤湯 沈瀋 沟溝 没沒 沥瀝 沧滄 沩溈 沪滬 泪淚 泽澤 泾涇 洁潔 浅淺 浈湞 "
    "测測 浍澮 济濟 浏瀏 浓濃 浔潯 涂塗 涛濤 涠潿 涨漲 渊淵 渐漸 渔漁 温溫 游遊 湾灣 "
    "湿濕 溆漵 滚滾 滠灄 满滿 滢瀅 滨濱 滩灘 潇瀟 潍濰 潜潛 澜瀾 灏灝 灭滅 灯燈 灵靈 "
    "灾災 灿燦 炀煬 炉爐 炜煒 点點 炼煉 烁爍 烂爛 烟煙 烦煩 烧燒 烨燁 热熱 焕煥 焘燾 "
    "爱愛 爷爺 牵牽 犹猶 独獨 狮獅 猎獵 猫貓 献獻 玑璣 玛瑪 玮瑋 环環 现現 玺璽 珑瓏 "
    "珲琿 琏璉 琐瑣 琼瓊 瑶瑤 瑷璦 璎瓔 电電 画畫 畅暢 疗療 监監 盖蓋 盘盤 码碼 砖磚 "
    "础礎 硕碩 确確 礼禮 祢禰 祯禎 禄祿 禅禪 离離 种種 积積 称稱 稳穩 穷窮 竞競 笔筆 "
    "筑築 简簡 类類 粮糧 紧緊 纠糾 红紅 纤纖 约約 级級 纨紈 纪紀 纬緯 纭紜 纯純 纱紗 "
    "纲綱 纳納 纵縱 纶綸 纷紛 纸紙 纹紋 纺紡 线線 练練 组組 细細 织織 终終 绍紹 经經 "
    "结結 绕繞 绘繪 给給 绚絢 绛絳 络絡 绝絕 统統 绢絹 绣繡 继繼 绩績 绪緒 绫綾 续續 "
    "绮綺 绳繩 维維 绵綿 绸綢 绿綠 缎緞 缓緩 编編 缘緣 缙縉 缤繽 缨纓 缪繆 罗羅 罚罰 "
    "聂聶 职職 联聯 聪聰 肃肅 胜勝 脑腦 脚腳 腊臘 艳艷 艺藝 节節 芦蘆 芸蕓 苍蒼 苏蘇 "
    "苹蘋 范範 荐薦 荞蕎 荟薈 荣榮 药藥 莲蓮 获獲 莹瑩 莺鶯 莼蒓 萝蘿 萤螢 营營 萧蕭 "
    "萨薩 蒋蔣 蓝藍 蔷薔 蔼藹 蕴蘊 虑慮 虽雖 补補 装裝 见見 观觀 规規 视視 览覽 觉覺 "
    "誉譽 计計 订訂 认認 讨討 让讓 训訓 议議 讯訊 记記 讲講 讷訥 许許 论論 设設 访訪 "
    "证證 评評 识識 诉訴 词詞 译譯 试試 诗詩 诚誠 话話 诞誕 诠詮 询詢 诣詣 该該 详詳 "
    "诩詡 语語 误誤 说說 请請 诸諸 诺諾 读讀 课課 谁誰 调調 谈談 谊誼 谋謀 谌諶 谕諭 "
    "谢謝 谣謠 谦謙 谧謐 谨謹 谭譚 谱譜 谷穀 贝貝 贞貞 负負 贡貢 财財 责責 贤賢 败敗 "
    "货貨 质質 贩販 贪貪 贫貧 购購 贯貫 贵貴 贷貸 贸貿 费費 贺賀 贻貽 贾賈 资資 赉賚 "
    "赋賦 赏賞 赐賜 赓賡 赖賴 赛賽 赞讚 赞贊 赠贈 赵趙 赶趕 趋趨 跃躍 践踐 车車 轨軌 "
    "轩軒 转轉 轮輪 软軟 轻輕 载載 较較 辈輩 辉輝 边邊 辽遼 达達 迁遷 过過 迈邁 还還 "
    "这這 进進 远遠 违違 连連 迟遲 适適 选選 逊遜 递遞 遗遺 邓鄧 邝鄺 邮郵 邹鄒 邺鄴 "
    "邻鄰 郁鬱 郏郟 郑鄭 郓鄆 郦酈 酱醬 释釋 里裡 鉴鑒 针針 钉釘 钊釗 钏釧 钓釣 钜鉅 "
    "钟鍾 钟鐘 钢鋼 钦欽 钧鈞 钰鈺 钱錢 钻鑽 钿鈿 铁鐵 铃鈴 铖鋮 铜銅 铠鎧 铭銘 铮錚 "
    "银銀 铺鋪 链鏈 销銷 锁鎖 锋鋒 锐銳 锟錕 锡錫 锦錦 键鍵 镇鎮 镜鏡 镭鐳 长長 门門 "
    "闪閃 闫閆 闭閉 问問 闯闖 闲閒 间間 闵閔 闷悶 闸閘 闹鬧 闻聞 闾閭 阁閣 阅閱 阎閻 "
    "阔闊 阙闕 阚闞 队隊 阳陽 阴陰 阵陣 阶階 际際 陆陸 陈陳 陕陝 险險 随隨 隐隱 难難 "
    "雏雛 雾霧 霁霽 静靜 韦韋 韩韓 韪韙 韫韞 韬韜 韵韻 页頁 顶頂 项項 顺順 须須 顽頑 "
    "顾顧 顿頓 颀頎 颁頒 颂頌 预預 领領 颇頗 颉頡 频頻 颖穎 题題 颜顏 额額 颢顥 风風 "
    "飘飄 飞飛 饭飯 饮飲 饶饒 馆館 马馬 驰馳 驱驅 驹駒 驻駐 驾駕 骁驍 骅驊 骆駱 骊驪 "
    "骋騁 验驗 骏駿 骐騏 骞騫 骢驄 骥驥 鱼魚 鲁魯 鲍鮑 鲜鮮 鸟鳥 鸡雞 鸣鳴 鸥鷗 鸯鴦 "
    "鸳鴛 鸽鴿 鸾鸞 鸿鴻 鹂鸝 鹃鵑 鹉鵡 鹊鵲 鹏鵬 鹤鶴 鹦鸚 鹫鷲 鹭鷺 鹰鷹 麦麥 黄黃 "
    "齐齊 齿齒 龄齡 龙龍 龚龔 龟龜 ")
_SIMPLIFIED_OF: dict[str, str] = {pair[1]: pair[0] for pair in _TRADITIONAL_PAIRS.split()}

# Zero-width characters count as blanks: a number split by them must still be seen as one.
_SPACES = ("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
           "\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"
_DOTS = "\u00b7\u2022\u2027\u30fb\uff65"


# Mapped by their own lists over what unicodedata says.
_OVERRIDES: dict[int, str] = {**{ord(c): " " for c in _SPACES}, **{ord(c): "-" for c in _DASHES},
                              **{ord(c): "·" for c in _DOTS}, **{ord(t): s for t, s in _SIMPLIFIED_OF.items()}}


class _ShadowTable(dict[int, str]):
    """Each character's shadow, looked up once on first sight (``str.translate`` asks the table per character).

    Deriving it from unicodedata keeps it exact, where a hand-written list of full-width and other-script
    digits would miss some. Only the characters a run meets are looked up: building the whole table up
    front went through 130,000 characters for a report that meets a few thousand.
    """

    def __missing__(self, code: int) -> str:
        if code >= 0x20000:
            raise KeyError(code)  # left as it is, and not kept
        char = chr(code)
        found = _OVERRIDES.get(code)
        if found is None and code >= 0x80:
            digit = unicodedata.decimal(char, None)
            folded = str(digit) if digit is not None else unicodedata.normalize("NFKC", char)
            found = folded if digit is not None or (len(folded) == 1 and "!" <= folded <= "~") else None
        self[code] = found = found or char
        return found


_SHADOW = _ShadowTable()


def shadow(text: str) -> str:
    """The same-length detection copy of ``text``: ASCII forms, plain blanks, simplified characters.

    ``len(shadow(text)) == len(text)`` always holds, so a span found in the shadow cuts the original.
    """
    return text.translate(_SHADOW)


# ---------------------------------------------------------------------------------------------- numbers

_UNITS = (r"(?:元|块|角|万|亿|千|百|年|月|日|号|次|个|人|名|件|份|平|米|公里|公斤|斤|吨|升|毫|%|户|套|间|张|条|辆|"
          r"台|头|只|株|棵|亩|字|页|位|天|小时|分钟|秒|岁|周|倍|度|瓦|伏|期|届|批|部|本|册|kg|km|cm|mm|m)")
_CN_DIGIT = "零〇一二三四五六七八九幺"
# A mobile, optionally with +86 / 0086 / 86 / a trunk 0, any single separator between digits.
_MOBILE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)?[ -]?86[ -]?|\(\+?86\)[ -]?|0(?=1[3-9]))?1[ .-]?[3-9](?:[ .-]?\d){9}(?!\d)"
)
_MOBILE_CN = re.compile(rf"(?<![{_CN_DIGIT}])[一幺] ?[三四五六七八九](?: ?[{_CN_DIGIT}]){{9}}(?![{_CN_DIGIT}])")
# A landline with its area code, in any of (0898)8312 3456, 0898-83123456, +86 898 83123456.
_LANDLINE = re.compile(
    r"(?<![\d+])(?:(?:(?:\+|00)[ -]?86[ -]?)(?:\(0?\d{2,3}\)|0?\d{2,3})|\(0\d{2,3}\)|0\d{2,3})"
    r"(?: ?-{1,2} ?| )?[2-9]\d{2,3}[ -]?\d{4}(?!\d)"
)
# A bare local number (7 or 8 digits) not used as an amount, a count or a reference.
_LOCAL = re.compile(
    rf"(?<![\d.,¥￥$#A-Za-z+\-第号])(?:[2-8]\d{{3}}[ -]?\d{{4}}|[2-8]\d{{6}})(?!\d|[.,]\d|[ -]\d)(?!\s*{_UNITS})"
)
# Long digit runs with single separators: 18/15-digit IDs, 16–19-digit bank cards.
_LONG = re.compile(r"(?<!\d)(?<!\d[ -])\d(?:[ -]?\d){13,18}(?:[ -]?[Xx])?(?![ -]?\d)")
_SCIENTIFIC = re.compile(r"(?<![\d.])\d\.\d+[Ee]\+?\d{1,2}(?!\d)")
_KIND_HINT = re.compile(r"(?P<id>身份|证件|公民)|(?P<bank_card>卡|账|帐)|(?P<passport>护照|通行证)")

# ---------------------------------------------------------------------------------- other identifiers

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\s?(?:@|\(at\)|\[at\])\s?"
    r"[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,4}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"[{_PROVINCES}] ?[A-Za-z] ?[·.\-]? ?(?P<tail>[A-Za-z0-9]{{5,6}}|[A-Za-z0-9]{{4}}[挂学警港澳领试超])(?![A-Za-z0-9])"
)
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])(?:[EeGg] ?\d{4} ?\d{4}|[Ee][A-Za-z] ?\d{3} ?\d{4})(?![A-Za-z0-9])")
_CONNECTOR = r"\s*(?:(?:是|为)\s*)?(?::\s*)?"
_PASSPORT_AFTER = re.compile(
    rf"(?:护照|通行证|签证|旅行证)(?:号码|号)?{_CONNECTOR}(?P<value>[A-Za-z]{{1,2}}(?: ?\d){{6,9}})(?![A-Za-z0-9])"
)
_SOCIAL = re.compile(
    r"(?<![A-Za-z])(?:微信账号|微信号码|微信号|微信(?i:id)?|(?i:wechat|weixin|vx|wx)(?:号|(?=[\s:]))|(?i:qq)(?:号码|号|群号|群)?|扣扣号?|"
    r"抖音号?|快手号?|微博号?|支付宝账号|支付宝)"
    + _CONNECTOR
    + rf"(?P<value>[A-Za-z][-_A-Za-z0-9]{{4,19}}|\d{{5,12}})(?![-_A-Za-z0-9])(?!\s*{_UNITS})"
)

# ------------------------------------------------------------------------------------------- addresses

_CN_NUM = "零〇一二三四五六七八九十百两幺"
_STREET_END = "路街道巷弄里村区园苑庄城坊寓厦场居邸镇乡屯寨馆湾"
_PLACE_END = _STREET_END + "号栋幢座楼单元室期段组"
# 房屋, 户口, 号码 are words, not the end of a room number.
_ROOM_SUFFIX = r"(?:室|房间|号房|房(?![屋子产东主价源型])|户(?![口籍主型])|号(?![楼院码]))"
_BLD = r"(?:[A-Za-z]|\d{1,3}[A-Za-z]?|[一二三四五六七八九十两]{1,3}) ?(?:栋|幢|座|号楼(?![上下顶前后])|号院|区)"
_UNIT = r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})单元"
_FLOOR = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?:楼|层)"
_ROOM = (rf"(?:\d{{2,5}}|[{_CN_DIGIT}]{{3,4}})(?:{_ROOM_SUFFIX}|"
         rf"(?![\d{_CN_NUM}.:栋幢座单区号]|\s*{_UNITS}))")
_DASHED = r"\d{1,3}(?:-\d{1,4}){1,2}"
# Whatever follows the first number of an address: building, unit, floor, room, in any order.
_CHAIN = rf"(?:[- ]?(?>{_BLD}|{_UNIT}|{_FLOOR}|{_DASHED}|{_ROOM}))*+"
_ADDRESS = (
    # 2号门, 3号线, 5号窗口 are gates, lines and counters; 123号门前 and 9号门口 are still houses.
    re.compile(rf"(?<=[{_STREET_END}])(?:\d{{1,5}}|[{_CN_NUM}]{{1,6}})(?:-\d{{1,4}})?号(?!门(?![前口])|线|窗|台|位|码|机)(?:院|楼(?![上下顶前后]))?"
               rf"{_CHAIN}"),
    re.compile(rf"(?<![A-Za-z\d有共约近这那几另多余])(?:[A-Za-z]|\d{{1,3}}[A-Za-z]?) ?(?:栋|幢|座|号楼(?![上下顶前后])){_CHAIN}"),
    re.compile(rf"[一二三四五六七八九十两]{{1,3}}(?:栋|幢|座|号楼(?![上下顶前后]))(?=-?(?:{_UNIT}|{_FLOOR}|{_ROOM})){_CHAIN}"),
    re.compile(rf"(?<![\d\-.:/])(?P<dash>\d{{1,3}}-\d{{1,2}}-\d{{2,4}})(?![\d\-]){_ROOM_SUFFIX}?{_CHAIN}"),
    re.compile(rf"(?<!\d){_UNIT}{_CHAIN}"),
    re.compile(r"(?<![\d.,\-])(?<![共约近有及过达计余逾超第])(?P<room>\d{3,5}|[" + _CN_DIGIT + r"]{3,4})"
               + _ROOM_SUFFIX.replace("|号(?![楼院码])", "") + r"(?!\s*(?:居民|人|家|村民|群众|农户|左右|以上|以下|受|被|次|型|厅|以))"),
    re.compile(rf"(?<!\d)\d{{1,2}}(?:楼|层)(?={_ROOM}){_CHAIN}"),
    # After 门牌号 / 住址 / 住在 any number is a house number: 门牌号28号, 住在402.
    re.compile(rf"(?:门牌号码|门牌号|门牌|房间号|房号|住址|地址|住在|家住){_CONNECTOR}"
               rf"(?P<value>\d{{1,5}}(?:-\d{{1,4}}){{0,2}}{_ROOM_SUFFIX}?){_CHAIN}"),
)

# ----------------------------------------------------------------------------------------------- names

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁沈任"
             "姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
             "汤易常温施牛洪邢詹符吉羊卓麦冼庞颜倪殷聂焦鲁葛岳柳喻戚凌祝蓝纪舒柯盛童翁揭俞饶骆穆褚蔺滕邝巫涂郁"
             "裴芦鲍欧文高白蒙容")
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                      "令狐", "夏侯", "端木", "南宫", "西门", "独孤", "轩辕")
_SUR = "(?:" + "|".join(_COMPOUND_SURNAMES) + f"|[{_SURNAMES}])"
# A cheap first test so that the costlier lookarounds run only where a surname could start.
_SUR_START = "(?=[" + _SURNAMES + "".join(sorted({c[0] for c in _COMPOUND_SURNAMES})) + "])"
# Characters that (almost) never stand in a given name but often follow a surname-like character in
# ordinary prose: excluding them is what keeps 市民向县里反映 or 林业局 from looking like names.
_NOT_GIVEN = ("的地得了着过是在于与和及或等对向从把被给让使将就才也都还又再已曾未没不无有要会能可应需请说称讲问"
              "答反映投诉咨询举报表示来去到电话打拨致希望求因为由所以而但并且其他她它们这那此该每各某本出入上下里"
              "外后内间期额费钱款价税率度速便先女士姐哥弟妹叔姨伯爷奶婆妈爸夫妻儿师傅总员业工目务院局委办所站队司"
              "厂部会处科室镇乡村县市省区路街巷楼单店场馆湾岛号元万亿年月日时分秒周次个位名户人常头水边末围重门"
              "经季级现一二三四五六七八九十两百千拖欠私擅占拒偷骗砸骂借租买购收付交缴拿送搞弄装拆违乱养停堵挡倒扔烧唱"
              "吵闹喊推撞伤搬逃躲欺辱诈冒假涉住驾")
_G = r"[^\x00-\u33ff\ua000-\U0010ffff" + _NOT_GIVEN + "]"
_TITLES = ("先生|女士|小姐|师傅|师父|老师|阿姨|医生|大夫|律师|经理|主任|同志|大爷|大妈|大娘|大姐|大哥|老板|老伯|阿伯|"
           "阿婆|书记|村长|警官|队长|科长|局长|所长|站长|校长|院长|护士")
# Right after a surname: a title or 某 means the surname is all there is (王先生, 赵某某, 王家).
_SURNAME_ONLY = rf"(?!{_TITLES}|[总工姐哥叔姨伯婶嫂老某氏姓]|家(?!{_G}))"
# Ordinary words and place names that begin with a surname character (文明, 方面, 温州…).
_NOT_A_NAME = (r"(?!文明|任何|安全|方便|高度|高速|高价|高温|高楼|高空|黄金|金额|白天|马上|石头|江边|余额|毛坯|陈述|陈旧|"
               r"周边|周末|周围|何时|何处|林地|林木|严重|严格|温度|孙子|孙女|黎族|苗族|夏天|夏季|龙头|洪水|钱款|雷雨|"
               r"雷电|杜绝|易于|容易|高兴|蒙受|欧元|方面|方式|方案|方向|文件|文化|文字|白色|高峰|金融|常规|宋体|高血|"
               r"高龄|高考|高中|高层|高铁|高压|高烧|黄色|金色|石油|马路|江湖|龙舟|雷暴|温州|江西|江苏|江门|黄山|金华|"
               r"韩国|韩式|苏州|常州|许昌|邵阳|岳阳|邢台|欧洲|欧美)")
_AFTER_NAME = (rf"(?!{_G})|(?={_TITLES}|家|强烈|近日|近期|最近|长期|反复|屡次|连续|今天|今日|昨天|昨日|前天|上午|下午|"
               r"晚上|凌晨|夫妇|一家|本人|同志|全家|老婆|老公|爱人|母子|父子|多次)")
_LEADINS = ("被投诉人|被举报人|来电市民|来电人|来电者|诉求人|反映人|投诉人|举报人|求助人|咨询人|市民|业主|租户|租客|"
            "房东|房主|住户|本人|姓名|联系人|邻居|同事|朋友|亲戚|老板|店主|丈夫|妻子|老公|老婆|儿子|女儿|父亲|母亲|"
            "爸爸|妈妈|孩子|学生|患者|病人|司机|驾驶员|车主|工人|员工|职工|包工头|工头|负责人|村民|居民|网格员|保安|"
            "客户|商户|摊主|代理人|监护人|家属|爷爷|奶奶|外婆|外公|哥哥|姐姐|弟弟|妹妹|配偶|当事人|申请人|承租人|出租人|"
            "法定代表人|法人|受害人|室友|同学|老乡|游客|老人|雇主|经营者|中介|老板娘|村干部|干部|群主|管家|主管|组长|"
            "班长|店长|厂长|总监|会计|出纳|保姆|护工|民警|辅警|城管|工作人员|客服|快递员|外卖员|骑手|销售员|置业顾问|"
            "经纪人|二房东|表哥|表姐|表弟|表妹|堂哥|堂姐|舅舅|叔叔|姑姑|姨妈|侄子|外甥|女婿|儿媳|嫂子|姐夫|妹夫|岳父|"
            "公公|婆婆|护士|医生|医师|药师|前夫|前妻|合伙人|股东|书记|支书|村支书|社长|村长|队长|主任|班主任|校长|院长|"
            "局长|所长|站长|科长|处长|经理|总经理|董事长|老师|教师|教练|律师|记者|师傅|男子|女子|男孩|女孩|小孩|男友|女友|"
            "男朋友|女朋友|未婚夫|未婚妻|伴侣|继父|继母|养父|养母|导游|领队|服务员|收银员|营业员|售货员|保洁员|保洁|清洁工|"
            "环卫工|厨师|社工|志愿者|村医|楼长|乘客|旅客|顾客|买方|卖方|甲方|乙方|原告|被告|嫌疑人|肇事者|驾驶人|货主|"
            "船主|渔民|农户|果农|养殖户|承包人|承包商|施工员|监理|安全员|技术员|工程师|门卫|宿管|舍友|同乡|亲属|家人|"
            "儿媳妇|孙子|孙女|外孙|维修工|修理工|电工|木工|泥水工|装修工|搬运工|临时工|小工|叫")
_NAME_AFTER_LEADIN = re.compile(
    rf"(?:{_LEADINS})[:\s]*(?:是|为|叫)?[:\s]*{_NOT_A_NAME}(?P<sur>{_SUR}){_SURNAME_ONLY}"
    rf"(?P<given>{_G}{{1,2}}?(?:{_AFTER_NAME})|{_G}{{2}})"
)
# No numeral before the surname: 9万通来电 is ninety thousand calls, not a Mr 万通.
_NO_NUMERAL = rf"(?<![\d{_CN_NUM}])(?<![\d{_CN_NUM}]\s)"
_NAME_BEFORE_TITLE = re.compile(rf"{_SUR_START}{_NO_NUMERAL}{_NOT_A_NAME}(?P<sur>{_SUR}){_SURNAME_ONLY}(?P<given>{_G}{{1,2}})(?={_TITLES})")
# A name opening a clause or following a place (黎安镇黄家强私自…) when a verb of the complaint follows.
_NAME_OPENING = re.compile(
    rf"{_SUR_START}(?<![^\s,.;:!?、。“”\"'()\[\]【】镇乡村县市区]){_NO_NUMERAL}{_NOT_A_NAME}(?P<sur>{_SUR}){_SURNAME_ONLY}(?P<given>{_G}{{1,2}}?)"
    r"(?=来电|反映|称|投诉|表示|咨询|致电|诉称|举报|询问|求助|要求|来访|说|私自|擅自|违规|违法|非法|长期|多次|拒不|"
    r"拒绝|拖欠|占用|殴打|辱骂|强占|霸占|私搭|乱搭|威胁|骗取|盗用|冒用|驾驶|一家|夫妇)"
)
_TITLED = re.compile(rf"{_SUR}{_G}{{0,2}}?(?:{_TITLES})")

# ------------------------------------------------------------------------------------------- rendering

_LABELS = {
    "phone": "电话", "landline": "电话", "id": "证件号", "passport": "证件号", "email": "邮箱", "plate": "车牌",
    "bank_card": "银行卡号", "social": "账号", "number": "号码", "address": "门牌", "name": "姓名",
}
_KEYWORDS = (
    "联系电话", "电话号码", "手机号码", "手机号", "手机", "电话", "座机号码", "座机号", "座机", "固定电话", "固话",
    "来电号码", "联系号码", "联系方式", "号码", "tel", "phone", "mobile",
    "公民身份号码", "身份证号码", "身份证件号码", "身份证号", "身份证", "证件号码", "证件号", "身份号码", "证号", "证件",
    "护照号码", "护照号", "护照", "通行证号码", "通行证号", "通行证",
    "电子邮箱", "邮箱地址", "邮箱", "电子邮件", "邮件地址", "email", "e-mail", "mail",
    "车牌号码", "车牌号", "车牌", "号牌",
    "银行卡号", "银行卡", "银行账号", "卡号", "信用卡", "储蓄卡", "借记卡", "工资卡", "社保卡", "一卡通", "账号", "帐号", "账户", "帐户",
    "微信号码", "微信号", "微信id", "微信账号", "微信", "wechat", "weixin", "vx", "wx", "qq号码", "qq号", "qq群号", "qq群", "qq", "扣扣号", "扣扣",
    "抖音号", "抖音", "快手号", "微博号", "支付宝账号", "支付宝",
)
_ADDRESS_KEYWORDS = ("家庭住址", "居住地址", "住址", "地址", "门牌号码", "门牌号", "门牌", "房号", "房间号")


def _keyword_pattern(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?i:{alternatives})(?P<conn>{_CONNECTOR})(?P<open>\(\s*)?\Z")


_KEYWORD_BEFORE = _keyword_pattern(_KEYWORDS)
_ADDRESS_KEYWORD_BEFORE = _keyword_pattern(_ADDRESS_KEYWORDS)
_LIST_GAP = re.compile(r"[\s,、/和或及]{1,3}")
_GROUP = {"landline": "phone", "passport": "id"}


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    kind: str
    replacement: str = ""


# ------------------------------------------------------------------------------------------- detection


def _birth_date_ok(year: int, month: int, day: int) -> bool:
    return 1850 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def _looks_like_id(digits: str) -> bool:
    if len(digits) == 18:
        return _birth_date_ok(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    if len(digits) == 15 and digits.isdigit():
        return _birth_date_ok(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    return False


def _looks_like_date(digits: str) -> bool:
    """YYYYMMDD, the one 8-digit shape of ordinary prose that a local phone number could take."""
    return (len(digits) == 8 and digits[:2] in ("19", "20")
            and 1 <= int(digits[4:6]) <= 12 and 1 <= int(digits[6:8]) <= 31)


def _long_numbers(s: str) -> Iterator[_Span]:
    for m in _LONG.finditer(s):
        groups = re.split(r"[ -]", m.group())
        digits = "".join(groups).upper()
        if len(groups) > 1 and (
            # Groups of one or two digits are separate numbers, unless together they spell an ID.
            (any(len(g) < 3 for g in groups[:-1]) and not _looks_like_id(digits))
            # An 11-digit mobile followed by another number (an amount, a second phone) is not one number.
            or re.fullmatch(r"1[3-9]\d{9}", groups[0])
        ):
            continue
        hints = list(_KIND_HINT.finditer(s, max(0, m.start() - 8), m.start()))
        if hints and hints[-1].lastgroup:
            kind = hints[-1].lastgroup  # the closest word wins: 社保卡信息与身份证110… is an ID
        elif _looks_like_id(digits) or digits.endswith("X"):
            kind = "id"
        elif 16 <= len(digits) <= 19:
            kind = "bank_card"
        else:
            continue
        yield _Span(m.start(), m.end(), kind)


def _phones(s: str) -> Iterator[_Span]:
    for pattern in (_MOBILE, _MOBILE_CN):
        for m in pattern.finditer(s):
            yield _Span(m.start(), m.end(), "phone")
    for m in _LANDLINE.finditer(s):
        yield _Span(m.start(), m.end(), "landline")
    for m in _LOCAL.finditer(s):
        digits = re.sub(r"[ -]", "", m.group())
        halves = re.split(r"[ -]", m.group())
        if _looks_like_date(digits) or (len(halves) == 2 and any(re.fullmatch(r"(?:19|20)\d\d", h) for h in halves)):
            continue
        yield _Span(m.start(), m.end(), "landline")
    for m in _SCIENTIFIC.finditer(s):
        yield _Span(m.start(), m.end(), "number")


def _identifiers(s: str) -> Iterator[_Span]:
    for m in _EMAIL.finditer(s):
        yield _Span(m.start(), m.end(), "email")
    for m in _PLATE.finditer(s):
        if any(c.isdigit() for c in m.group("tail")):
            yield _Span(m.start(), m.end(), "plate")
    for m in _PASSPORT.finditer(s):
        yield _Span(m.start(), m.end(), "passport")
    for m in _PASSPORT_AFTER.finditer(s):
        yield _Span(m.start("value"), m.end("value"), "passport")
    for m in _SOCIAL.finditer(s):
        yield _Span(m.start("value"), m.end("value"), "social")


def _addresses(s: str) -> Iterator[_Span]:
    for pattern in _ADDRESS:
        for m in pattern.finditer(s):
            dash = m.groupdict().get("dash")
            # 03-05-2024 is a date written day first, not building 3, unit 5, room 2024.
            if dash and re.fullmatch(r"\d{1,2}-\d{1,2}-(?:19|20)\d\d", dash):
                continue
            room = m.groupdict().get("room")
            # 100户, 300户: round figures are counts of households, real room numbers rarely end in 00.
            if room and room.isdigit() and room.endswith("00"):
                continue
            start = m.start("value") if "value" in m.re.groupindex else m.start()
            yield _Span(start, m.end(), "address")


def _names(s: str, original: str) -> Iterator[_Span]:
    for pattern in (_NAME_AFTER_LEADIN, _NAME_BEFORE_TITLE, _NAME_OPENING):
        for m in pattern.finditer(s):
            surname = original[m.start("sur"):m.end("sur")]
            yield _Span(m.start("sur"), m.end("given"), "name", surname + "某")


def _split_name(name: str) -> tuple[str, str]:
    surname = name[:2] if name[:2] in _COMPOUND_SURNAMES else name[:1]
    return surname, name[len(surname):]


_NAME_SEPARATOR = r"[\s·._*\-]{0,2}"
_NOT_PLACE_AFTER = r"(?![路街道巷村镇区园苑]|以来|大道|小区|花园|中学|小学|医院|广场|大厦)"


@functools.lru_cache(maxsize=512)
def _known_names(names: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, tuple[int, str]]] | None:
    """One pattern for the people named in the ticket row; group name → (surname length, replacement).

    A full name is replaced by its surname as the text writes it (陳建華 → 陳某), so the surname length
    is kept; a given name alone (建华) gets the row's surname in simplified form, and length 0.
    """
    full: list[tuple[str, tuple[int, str]]] = []
    given_only: list[tuple[str, tuple[int, str]]] = []
    latin: list[str] = []
    for raw in names:
        name = re.sub(r"[\s·.]", "", raw)
        if not name:
            continue
        simple = shadow(name)
        if not re.fullmatch(r"[\u3400-\u9fff]+", simple):
            if re.search(r"[A-Za-z]{2}", simple):
                latin.append(r"\s*".join(re.escape(part) for part in raw.split()))
            continue
        if len(simple) < 2 or re.fullmatch(rf"{_SUR}(?:{_TITLES}|某+)", simple):
            continue  # a surname with a title or 某 carries nothing more than the surname
        surname, given = _split_name(simple)
        full.append((_NAME_SEPARATOR.join(re.escape(c) for c in simple), (len(surname), surname + "某")))
        if len(given) >= 2:
            pattern = _NAME_SEPARATOR.join(re.escape(c) for c in given) + _NOT_PLACE_AFTER
            given_only.append((pattern, (0, surname + "某")))  # simplified, as the report is written
    if not (full or latin):
        return None
    parts: list[str] = []
    replacements: dict[str, tuple[int, str]] = {}
    ordered = sorted(full, key=lambda p: len(p[0]), reverse=True) + sorted(given_only, key=lambda p: len(p[0]), reverse=True)
    for index, (pattern, replacement) in enumerate(ordered):
        parts.append(f"(?P<n{index}>{pattern})")
        replacements[f"n{index}"] = replacement
    for index, pattern in enumerate(latin):
        parts.append(f"(?P<l{index}>(?i:{pattern}))")
        replacements[f"l{index}"] = (0, "（姓名已隐去）")
    return re.compile("|".join(parts)), replacements


def _named_people(text: str, s: str, names: tuple[str, ...]) -> Iterator[_Span]:
    compiled = _known_names(names)
    if compiled is None:
        return
    pattern, replacements = compiled
    for m in pattern.finditer(s):
        if m.lastgroup:
            surname_length, replacement = replacements[m.lastgroup]
            if surname_length:
                written = [c for c, sc in zip(text[m.start():m.end()], s[m.start():m.end()], strict=True)
                           if not re.fullmatch(_NAME_SEPARATOR, sc)]
                replacement = "".join(written[:surname_length]) + "某"
            yield _Span(m.start(), m.end(), "name", replacement)


def _find(text: str, s: str, names: tuple[str, ...]) -> list[_Span]:
    """Every span to replace, without overlaps: earliest first, the longest at one start wins, and a
    span that overlaps a kept one widens it rather than being dropped (no partial leak)."""
    found = [*_named_people(text, s, names), *_long_numbers(s), *_phones(s), *_identifiers(s), *_addresses(s), *_names(s, text)]
    found.sort(key=lambda sp: (sp.start, -(sp.end - sp.start)))
    kept: list[_Span] = []
    for span in found:
        if kept and span.start < kept[-1].end:
            last = kept[-1]
            if span.end > last.end:
                kept[-1] = _Span(last.start, span.end, last.kind, last.replacement)
            continue
        kept.append(span)
    return _merge_lists(s, kept)


def _merge_lists(s: str, spans: list[_Span]) -> list[_Span]:
    """``电话13812345678、13912345678`` becomes one span, so it reads 电话已隐去 and not 电话已隐去、（电话已隐去）."""
    merged: list[_Span] = []
    for span in spans:
        if merged and span.kind not in ("name", "address"):
            last = merged[-1]
            if (_GROUP.get(last.kind, last.kind) == _GROUP.get(span.kind, span.kind)
                    and _LIST_GAP.fullmatch(s, last.end, span.start)):
                merged[-1] = _Span(last.start, span.end, last.kind)
                continue
        merged.append(span)
    return merged


def _render(text: str, s: str, spans: list[_Span]) -> str:
    out: list[str] = []
    position = 0
    for span in spans:
        start, end = span.start, span.end
        if span.kind == "name":
            out += [text[position:start], span.replacement]
            position = end
            continue
        keyword = (_ADDRESS_KEYWORD_BEFORE if span.kind == "address" else _KEYWORD_BEFORE).search(
            s, max(position, start - 24), start)
        if keyword and keyword.group("open") is not None:  # 身份证（110…） → 身份证（已隐去）
            out += [text[position:start], "已隐去"]
        elif keyword:
            connector = keyword.start("conn")
            # Keep the colon as it was typed (：or :), drop blanks and 是/为: 电话是138… → 电话已隐去.
            colon = "".join(c for c, sc in zip(text[connector:start], s[connector:start], strict=True) if sc == ":")[-1:]
            out += [text[position:connector], colon, "已隐去"]
        else:
            label = _LABELS[span.kind]
            if span.kind == "address" and not (start and s[start - 1] in _PLACE_END):
                label = "地址"  # 住在（地址已隐去）, but 建设路（门牌已隐去）
            # Already inside brackets: （138…） → （电话已隐去）, （住3-1-502） → （住地址已隐去）.
            opened = s.rfind("(", max(0, start - 6), start)
            bracketed = (start > 0 and s[start - 1] == "(") or (
                end < len(s) and s[end] == ")" and opened >= 0 and ")" not in s[opened:start])
            out += [text[position:start], f"{label}已隐去" if bracketed else f"（{label}已隐去）"]
        position = end
    out.append(text[position:])
    return "".join(out)


# ---------------------------------------------------------------------------------------------- public


def deidentify(text: str, names: Sequence[str] = ()) -> str:
    """Return ``text`` with every personal detail replaced by wording that reads naturally in a report.

    ``names`` are the people known from the ticket row (the caller's name column). They are masked
    wherever they appear: spaced (王 建 国), in traditional characters (王建國), or as the given name
    alone (建国 → 王某). Other people are recognised by context (市民…, 联系人…, 我叫…, …先生).
    Nothing is refused: any string comes back, and the work is linear in the length of the text.
    """
    if not text:
        return text
    s = shadow(text)
    spans = _find(text, s, tuple(n for n in names if isinstance(n, str)))
    return _render(text, s, spans) if spans else text


def contains_personal_data(text: str) -> bool:
    """Whether a short structural value (a town, category or unit name from an export column) holds
    personal data: a phone, ID, e-mail, plate, card or account number, a house number, or a name
    pattern such as 王先生 / 李女士 / 联系人陈静. Such a value must not be printed raw.
    """
    if not text:
        return False
    s = shadow(text)
    return bool(_find(text, s, ()) or _TITLED.search(s))
