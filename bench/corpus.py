"""Deterministic benchmark corpus: N realistic Arabic news articles, streamed as JSONL or as a WARC.

Articles are recombined from hand-written Modern Standard Arabic sentence templates (many drawn from the
bundled sample site, data/samples/site/): an event lede with actors and a real town/governorate, dates as
relative weekdays («فجر اليوم الأحد», «ليل السبت الأحد») or explicit dates with Levantine/Egyptian month
names, numbers as words, digits or Arabic-Indic digits, quoted sources, follow-up incidents, background
and reaction sentences, leftover boilerplate («اقرأ أيضاً», «تابعونا»), plus ~15% negatives (sport,
economy, culture) that use violent-looking words. Each article draws from its own
``random.Random(f"{seed}:{index}")``, so the corpus is the same for the same seed on every machine, and
any article can be built without the ones before it. Nothing holds the corpus in memory.

    python -m bench.corpus --n 10000 --seed 7 --format jsonl --out /tmp/corpus.jsonl
    python -m bench.corpus --n 50000 --seed 7 --format warc --out /tmp/corpus.warc.gz

JSONL rows are what ``conflict-events extract --input`` reads (id, url, published, title, text); WARC
records are HTML pages with site boilerplate, as HTTP responses (what the crawl stage reads from CC-NEWS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import html
import io
import json
import logging
import random
import sys
import time
import uuid
from collections.abc import Iterator
from email.utils import format_datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

START_DATE = dt.date(2025, 3, 1)
DAYS_SPANNED = 3
PROGRESS_EVERY = 5000
NEGATIVE_SHARE = 0.15
GZIP_LEVEL = 6

WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
LEVANTINE_MONTHS = ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                    "تشرين الأول", "تشرين الثاني", "كانون الأول")
EGYPTIAN_MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
                   "نوفمبر", "ديسمبر")
NUMBER_WORDS = {3: "ثلاثة", 4: "أربعة", 5: "خمسة", 6: "ستة", 7: "سبعة", 8: "ثمانية", 9: "تسعة", 10: "عشرة"}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# (singular, dual, plural, accusative singular used after 11+)
NOUNS = {
    "person": ("شخص", "شخصين", "أشخاص", "شخصاً"),
    "civilian": ("مدني", "مدنيين", "مدنيين", "مدنياً"),
    "soldier": ("جندي", "جنديين", "جنود", "جندياً"),
    "member": ("عنصر", "عنصرين", "عناصر", "عنصراً"),
    "fighter": ("مقاتل", "مقاتلين", "مقاتلين", "مقاتلاً"),
    "youth": ("شاب", "شابين", "شبان", "شاباً"),
}

OUTLETS = (("akhbar-almasa.example", "أخبار المساء"), ("alwatan-news.example", "الوطن نيوز"),
           ("almarsad-press.example", "المرصد برس"), ("sample-news.example", "سامبل نيوز"),
           ("arab-wire.example", "الوكالة العربية"))

# Per country: state / armed actors and (town, governorate-or-region) pairs of real places.
COUNTRIES: dict[str, dict[str, tuple]] = {
    "iraq": {
        "state": ("الجيش العراقي", "قوة أمنية مشتركة", "قوات الشرطة الاتحادية", "جهاز مكافحة الإرهاب",
                  "قوات الحشد الشعبي"),
        "armed": ("عناصر من تنظيم داعش", "خلية تابعة لتنظيم داعش", "عناصر مسلحة مجهولة"),
        "places": (("بعقوبة", "محافظة ديالى"), ("المقدادية", "محافظة ديالى"), ("الطارمية", "شمالي بغداد"),
                   ("تكريت", "محافظة صلاح الدين"), ("الحويجة", "محافظة كركوك"), ("الرطبة", "محافظة الأنبار"),
                   ("سنجار", "محافظة نينوى"), ("طوزخورماتو", "محافظة صلاح الدين"), ("الموصل", "محافظة نينوى")),
    },
    "syria": {
        "state": ("قوات الأمن العام", "قوات وزارة الدفاع السورية"),
        "armed": ("قوات سوريا الديمقراطية (قسد)", "فصائل «الجيش الوطني السوري» المدعومة من تركيا",
                  "عناصر مسلحة مجهولة", "خلايا تابعة لتنظيم داعش"),
        "places": (("منبج", "ريف حلب الشرقي"), ("الرقة", "شمال شرقي سوريا"), ("درعا البلد", "محافظة درعا"),
                   ("جبلة", "ريف اللاذقية"), ("تل رفعت", "ريف حلب الشمالي"), ("الميادين", "ريف دير الزور الشرقي"),
                   ("الصنمين", "ريف درعا الشمالي"), ("القصير", "ريف حمص الجنوبي")),
    },
    "sudan": {
        "state": ("الجيش السوداني", "القوات المشتركة المساندة للجيش"),
        "armed": ("قوات «الدعم السريع»", "عناصر من قوات «الدعم السريع»"),
        "places": (("الفاشر", "ولاية شمال دارفور"), ("الأبيض", "ولاية شمال كردفان"), ("ود مدني", "ولاية الجزيرة"),
                   ("كادقلي", "ولاية جنوب كردفان"), ("سنجة", "ولاية سنار"), ("الدلنج", "ولاية جنوب كردفان"),
                   ("بابنوسة", "ولاية غرب كردفان")),
    },
    "yemen": {
        "state": ("القوات الحكومية", "قوات العمالقة الجنوبية", "قوات الأمن في المحافظة"),
        "armed": ("جماعة الحوثي", "عناصر من جماعة الحوثي", "عناصر مسلحة مجهولة"),
        "places": (("مأرب", "شرقي اليمن"), ("حيس", "محافظة الحديدة"), ("قعطبة", "محافظة الضالع"),
                   ("صرواح", "محافظة مأرب"), ("المخا", "غربي محافظة تعز"), ("البيضاء", "وسط اليمن"),
                   ("عتق", "محافظة شبوة")),
    },
    "libya": {
        "state": ("قوات حكومة الوحدة الوطنية", "جهاز الأمن العام", "مديرية الأمن"),
        "armed": ("مجموعة مسلحة", "جهاز دعم الاستقرار", "عناصر مسلحة خارجة عن القانون"),
        "places": (("الزاوية", "غربي ليبيا"), ("طرابلس", "العاصمة الليبية"), ("مصراتة", "غربي ليبيا"),
                   ("سبها", "جنوبي ليبيا"), ("غريان", "منطقة الجبل الغربي"), ("صبراتة", "غربي ليبيا")),
    },
    "lebanon": {
        "state": ("الجيش اللبناني", "قوى الأمن الداخلي"),
        "armed": ("الجيش الإسرائيلي", "عناصر مسلحة مجهولة"),
        "places": (("الخيام", "قضاء مرجعيون"), ("بنت جبيل", "جنوب لبنان"), ("بعلبك", "محافظة البقاع"),
                   ("النبطية", "جنوب لبنان"), ("كفركلا", "قضاء مرجعيون"), ("صور", "جنوب لبنان")),
    },
    "palestine": {
        "state": ("قوات الاحتلال الإسرائيلي", "الجيش الإسرائيلي"),
        "armed": ("مجموعة من المستوطنين", "مجموعة من المستوطنين المسلحين"),
        "places": (("جنين", "شمالي الضفة الغربية"), ("طولكرم", "شمالي الضفة الغربية"),
                   ("الخليل", "جنوبي الضفة الغربية"), ("خان يونس", "جنوبي قطاع غزة"), ("رفح", "جنوبي قطاع غزة"),
                   ("قلقيلية", "شمالي الضفة الغربية"), ("طوباس", "شمالي الضفة الغربية")),
    },
    "egypt": {
        "state": ("قوات الأمن المصرية", "الجيش المصري", "أجهزة الأمن"),
        "armed": ("عناصر مسلحة", "عناصر مسلحة مجهولة"),
        "places": (("العريش", "محافظة شمال سيناء"), ("بئر العبد", "محافظة شمال سيناء"),
                   ("المحلة الكبرى", "محافظة الغربية"), ("أسيوط", "صعيد مصر"), ("الإسكندرية", "شمالي مصر")),
    },
    "somalia": {
        "state": ("الجيش الصومالي", "قوات الأمن الصومالية", "قوات الشرطة"),
        "armed": ("حركة «الشباب»", "عناصر من حركة «الشباب»"),
        "places": (("مقديشو", "إقليم بنادر"), ("بلدوين", "إقليم هيران"), ("كسمايو", "إقليم جوبا السفلى"),
                   ("بيدوا", "إقليم باي"), ("جوهر", "إقليم شبيلي الوسطى"), ("أفجوي", "إقليم شبيلي السفلى")),
    },
}

# Lede templates per action type. Slots: {a1} {a2} {place} {date} {killed} {injured} {count}.
LEDES: dict[str, tuple[str, ...]] = {
    "airstrike_shelling": (
        "قُتل {killed} وأصيب {injured} بجروح، {date}، جراء غارات جوية شنها {a1} على {place}، بحسب ما أفادت مصادر محلية.",
        "استهدف قصف مدفعي مصدره {a1} أحياء سكنية في {place} {date}، ما أسفر عن مقتل {killed} وإصابة {injured}.",
        "أفادت مصادر طبية بمقتل {killed}، {date}، في قصف بالطائرات المسيّرة نفذه {a1} على {place}.",
    ),
    "armed_clash": (
        "اندلعت اشتباكات عنيفة {date} بين {a1} و{a2} في {place}، أسفرت عن مقتل {killed} من الطرفين.",
        "دارت معارك ضارية، {date}، بين {a1} و{a2} في محيط {place}، استُخدمت فيها الأسلحة الثقيلة والمتوسطة.",
        "تجددت المواجهات المسلحة {date} بين {a1} و{a2} في {place}، وسط أنباء عن سقوط {killed}.",
    ),
    "explosion_ied": (
        "قُتل {killed} وأصيب {injured} بانفجار عبوة ناسفة استهدفت دورية تابعة {la1} في {place} {date}.",
        "انفجرت سيارة مفخخة {date} قرب سوق شعبي في {place}، ما أدى إلى مقتل {killed} وإصابة {injured}.",
        "أفاد مصدر أمني، {date}، بانفجار عبوة ناسفة لاصقة بعجلة مدنية في {place}، أسفر عن مقتل {killed}.",
    ),
    "attack": (
        "هاجم مسلحون يُعتقد أنهم من {a2} {date} نقطة تفتيش تابعة {la1} في {place}، ما أسفر عن مقتل {killed}.",
        "شنّ{t2} {a2} هجوماً {date} على موقع تابع {la1} في {place}، وأسفر الهجوم عن مقتل {killed} وإصابة {injured}.",
    ),
    "abduction": (
        "اختطف مسلحون مجهولون {date} موظفاً في منظمة إغاثية في {place}، واقتادوه إلى جهة مجهولة.",
        "أقدم{t2} {a2} {date} على خطف {count} من أبناء {place} أثناء عودتهم من أعمالهم، وفق مصادر محلية.",
    ),
    "arrest_raid": (
        "اعتقل{t1} {a1} {date} {count} خلال حملة دهم وتفتيش واسعة في {place}.",
        "داهم{t1} {a1}، {date}، عدداً من المنازل في {place}، واعتقل{t1} {count} بتهم تتعلق بالإرهاب.",
    ),
    "security_operation": (
        "نفذ{t1} {a1} {date} عملية أمنية واسعة في {place} لملاحقة خلايا مسلحة، "
        "وتمكن{t1} من تدمير مضافات ومخابئ للأسلحة.",
        "أطلق{t1} {a1}، {date}، عملية تفتيش وتمشيط في المناطق الوعرة في محيط {place} بحثاً عن عناصر مطلوبة.",
    ),
    "protest": (
        "تظاهر مئات المواطنين {date} في {place} احتجاجاً على تردي الخدمات وانقطاع الكهرباء، "
        "مطالبين السلطات بحلول عاجلة.",
        "نظّم العشرات وقفة احتجاجية سلمية {date} أمام مبنى المحافظة في {place}، للمطالبة بصرف الرواتب المتأخرة.",
    ),
    "riot": (
        "أحرق محتجون غاضبون الإطارات وقطعوا الطرق الرئيسية في {place} {date}، ورشقوا قوات الأمن بالحجارة، "
        "ما أدى إلى إصابة {injured}.",
        "شهدت {place} {date} أعمال شغب، أقدم خلالها محتجون على اقتحام مبنى حكومي وإضرام النار في أجزاء منه.",
    ),
    "meeting_negotiation": (
        "عقد وفدان يمثلان {a1} و{a2} اجتماعاً {date} في {place} لبحث سبل التهدئة وتبادل الأسرى.",
        "التقى ممثلون عن {a1} و{a2}، {date}، في {place} برعاية وسطاء محليين لبحث إنهاء التوتر.",
    ),
    "agreement": (
        "توصل {a1} و{a2} {date} إلى اتفاق لوقف إطلاق النار في {place} برعاية وجهاء وأعيان المنطقة.",
        "أعلن وسطاء محليون، {date}، التوصل إلى هدنة بين {a1} و{a2} في {place} تبدأ عند منتصف الليل.",
    ),
    "deployment_withdrawal": (
        "انسحب{t2} {a2} {date} من مواقع تمركز{t2} فيها سابقاً في {place}، وانتشرت مكانها وحدات من {a1}.",
        "انتشرت وحدات من {a1}، {date}، في {place} عقب انسحاب {a2} من المنطقة.",
    ),
}

TITLES: dict[str, tuple[str, ...]] = {
    "airstrike_shelling": ("{killed_title} بقصف على {town}", "غارات على {town} وسقوط ضحايا"),
    "armed_clash": ("اشتباكات عنيفة في {town}", "معارك في محيط {town} وسقوط قتلى"),
    "explosion_ied": ("انفجار يهز {town} ويوقع ضحايا", "{killed_title} بانفجار في {town}"),
    "attack": ("هجوم مسلح على موقع أمني في {town}",),
    "abduction": ("خطف في {town} ومطالبات بالإفراج عن المختطفين",),
    "arrest_raid": ("حملة اعتقالات في {town}",),
    "security_operation": ("عملية أمنية واسعة في {town}",),
    "protest": ("احتجاجات في {town} للمطالبة بتحسين الخدمات",),
    "riot": ("أعمال شغب في {town} وإصابات في صفوف الأمن",),
    "meeting_negotiation": ("اجتماع في {town} لبحث التهدئة",),
    "agreement": ("اتفاق لوقف إطلاق النار في {town}",),
    "deployment_withdrawal": ("انسحاب من مواقع في {town} وانتشار قوات جديدة",),
}

SOURCES = ("مصدر أمني", "مصدر محلي", "مصدر طبي", "شاهد عيان", "مسؤول في الدفاع المدني", "متحدث عسكري",
           "مصدر في الشرطة", "عضو في المجلس المحلي")
CALM_ACTIONS = frozenset({"protest", "meeting_negotiation", "agreement", "deployment_withdrawal"})
CALM_QUOTES = (
    "الأجواء كانت إيجابية، والطرفان أبديا رغبة حقيقية في إنهاء التوتر",
    "الاتفاق يشمل فتح الطرق وعودة النازحين إلى منازلهم خلال الأيام المقبلة",
    "المطالب مشروعة، ونأمل أن تستجيب الجهات المعنية لها في أقرب وقت",
    "الوحدات باشرت فتح الطرقات وإزالة السواتر الترابية والكشف على الذخائر غير المنفجرة",
    "أبواب الحوار مفتوحة، ولجنة مشتركة ستتابع تنفيذ ما جرى التوافق عليه",
)
QUOTES = (
    "الوضع الأمني تحت السيطرة، وتجري ملاحقة المتورطين",
    "فرق الإسعاف نقلت المصابين إلى المستشفى القريب، وحالة بعضهم خطيرة",
    "الاشتباكات استمرت لساعات قبل أن يعود الهدوء الحذر إلى المنطقة",
    "القوات فرضت طوقاً أمنياً على المكان ومنعت الاقتراب منه",
    "الأهالي يعيشون حالة من الخوف والقلق منذ أيام",
    "الحصيلة مرشحة للارتفاع بسبب وجود إصابات حرجة",
    "التحقيقات جارية لمعرفة ملابسات الحادث والجهة التي تقف وراءه",
    "العملية جاءت بناءً على معلومات استخبارية دقيقة",
)
QUOTE_FRAMES = (
    "وقال {source} لـ«{outlet}» إن «{quote}».",
    "وأضاف {source}، طالباً عدم الكشف عن هويته، أن «{quote}».",
    "وأوضح {source} في تصريح صحفي أن «{quote}».",
)
BACKGROUND = (
    "ويشهد محيط {town} توتراً أمنياً متصاعداً منذ أشهر، وسط مخاوف من اتساع رقعة المواجهات.",
    "ويأتي ذلك في ظل أوضاع إنسانية صعبة يعيشها السكان، مع نقص حاد في الغذاء والدواء.",
    "وكانت المنطقة قد شهدت حوادث مماثلة خلال الأسابيع الماضية، من دون أن تُعلن نتائج التحقيقات.",
    "ولم تتبنَّ أي جهة المسؤولية عن الحادث حتى ساعة إعداد هذا الخبر.",
    "وتتزامن هذه التطورات مع حلول شهر رمضان، في وقت تتصاعد فيه الدعوات إلى التهدئة.",
    "ويقول مراقبون إن غياب حل سياسي شامل يبقي المنطقة عرضة لموجات متكررة من العنف.",
)
REACTIONS = (
    "ودانت وزارة الخارجية الحادث، داعية المجتمع الدولي إلى تحمّل مسؤولياته.",
    "وطالبت منظمات حقوقية بفتح تحقيق مستقل وشفاف في ملابسات ما جرى.",
    "من جهتها، حمّلت السلطات المحلية {a2} المسؤولية الكاملة عن التصعيد.",
    "ولم يصدر عن {a2} أي تعليق فوري على ما أوردته المصادر.",
)
FOLLOW_UPS = (
    "وفي سياق متصل، أصيب {injured} بجروح جراء سقوط قذيفة على منزل في {town2} {date2}.",
    "وفي حادث منفصل، اعتقل{t1} {a1} {count} في {town2} {date2} للاشتباه بتورطهم في أعمال عنف.",
    "إلى ذلك، أعلن{t1} {a1} {date2} العثور على مخبأ للأسلحة والعتاد في أطراف {town2}.",
)
BOILERPLATE = (
    "تابعوا آخر الأخبار العاجلة عبر قناتنا على تلغرام.",
    "اقرأ أيضاً: أسعار الذهب تواصل الارتفاع في الأسواق المحلية",
    "اقرأ أيضاً: الأرصاد تتوقع أمطاراً رعدية على المناطق الشمالية",
    "شاهد أيضاً: بالصور.. أجواء الأسواق الشعبية في أول أيام رمضان",
    "جميع الحقوق محفوظة © 2025 {outlet_name}",
)

# Negatives: violent-looking words with no conflict event.
NEGATIVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("هجوم ناري يقود الفريق إلى فوز كبير في {town}", (
        "حقق فريق {town} فوزاً كبيراً على ضيفه بثلاثة أهداف مقابل هدف، {date}، ضمن منافسات الدوري المحلي.",
        "وشنّ لاعبو الفريق هجوماً كاسحاً منذ الدقائق الأولى، وسدد المهاجم كرة قوية اصطدمت بالقائم.",
        "وقال المدرب عقب المباراة إن «خط الهجوم قدّم أداءً مميزاً والفريق يسير بخطى ثابتة نحو اللقب».",
        "في المقابل، عانى دفاع الفريق الضيف من ثغرات واضحة أمام الهجمات المرتدة السريعة.",
        "وبهذا الفوز رفع الفريق رصيده إلى {count_digits} نقطة في صدارة الترتيب.",
    )),
    ("انفجار في أسعار الخضروات يثير غضب المستهلكين في {town}", (
        "شهدت أسواق {town}، {date}، انفجاراً في أسعار الخضروات والفواكه مع حلول شهر رمضان.",
        "وقال أحد التجار إن «الأسعار ارتفعت بنسبة تتجاوز {count_digits} في المئة خلال أسبوع واحد».",
        "وطالب مواطنون الجهات المختصة بتشديد الرقابة على الأسواق ومحاسبة المحتكرين.",
        "من جهتها، أعلنت مديرية التجارة عن حملات تفتيش مكثفة لضبط الأسعار.",
    )),
    ("انطلاق معرض الكتاب في {town} بمشاركة واسعة", (
        "انطلقت، {date}، فعاليات معرض الكتاب في {town} بمشاركة {count_digits} دار نشر عربية.",
        "ويتضمن المعرض ندوات فكرية وأمسيات شعرية وورشاً للأطفال، إضافة إلى معركة ثقافية بين الأجيال حول القراءة.",
        "وقال مدير المعرض إن «الإقبال فاق التوقعات منذ الساعات الأولى للافتتاح».",
    )),
)


def _number(rng: random.Random, n: int, noun: str) -> str:
    """A count with its noun, as words, digits or Arabic-Indic digits (with Arabic number agreement)."""
    singular, dual, plural, accusative = NOUNS[noun]
    if n == 1:
        return f"{singular} واحد"
    if n == 2:
        return dual
    style = rng.random()
    if 3 <= n <= 10:
        if style < 0.6:
            return f"{NUMBER_WORDS[n]} {plural}"
        digits = str(n) if style < 0.85 else str(n).translate(ARABIC_INDIC)
        return f"{digits} {plural}"
    digits = str(n) if style < 0.75 else str(n).translate(ARABIC_INDIC)
    return f"{digits} {accusative}"


def _feminine_t(subject: str) -> str:
    """Suffix «ت» for a verb that precedes a feminine subject (قوات، قوة، جماعة، حركة...), else nothing."""
    return "" if subject.startswith(("الجيش", "جهاز", "عناصر")) else "ت"


def _with_lam(phrase: str) -> str:
    """The preposition «ل» joined to a phrase: «للجيش العراقي», «لقوات الأمن»."""
    return "لل" + phrase[2:] if phrase.startswith("ال") else "ل" + phrase


def _relative_date(rng: random.Random, published: dt.datetime) -> str:
    """How the text dates the event relative to publication (or explicitly)."""
    today = published.date()
    day = WEEKDAYS[today.weekday()]
    yesterday = WEEKDAYS[(today - dt.timedelta(days=1)).weekday()]
    before = WEEKDAYS[(today - dt.timedelta(days=2)).weekday()]
    choices = (
        f"اليوم {day}", f"فجر اليوم {day}", f"صباح اليوم {day}", f"مساء أمس {yesterday}", f"أمس {yesterday}",
        f"ليل {yesterday} {day}", f"ليل {before} {yesterday}",
        f"يوم {day} {today.day} {LEVANTINE_MONTHS[today.month - 1]} {today.year}",
        f"{day} الموافق {today.day} {EGYPTIAN_MONTHS[today.month - 1]}",
        f"اليوم {day} ({today.day} {LEVANTINE_MONTHS[today.month - 1]} {today.year})",
    )
    return rng.choice(choices)


def _place(rng: random.Random, town: str, region: str) -> str:
    return rng.choice((f"مدينة {town} في {region}", f"بلدة {town} في {region}", f"{town}", f"منطقة {town} ({region})"))


def _event_article(rng: random.Random, published: dt.datetime, outlet_name: str) -> tuple[str, str, str]:
    """(country slug, title, text) of a conflict article."""
    country = rng.choice(tuple(COUNTRIES))
    info = COUNTRIES[country]
    town, region = rng.choice(info["places"])
    town2, _ = rng.choice(info["places"])
    action = rng.choice(tuple(LEDES))
    killed_n = rng.choice((2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 17, 23, 31))
    a1, a2 = rng.choice(info["state"]), rng.choice(info["armed"])
    slots = {
        "a1": a1, "a2": a2, "la1": _with_lam(a1), "t1": _feminine_t(a1), "t2": _feminine_t(a2),
        "place": _place(rng, town, region),
        "date": _relative_date(rng, published), "date2": _relative_date(rng, published),
        "killed": _number(rng, killed_n, rng.choice(("person", "civilian", "soldier", "member", "fighter"))),
        "injured": _number(rng, rng.randint(1, 25), rng.choice(("person", "civilian", "member"))),
        "count": _number(rng, rng.randint(2, 30), rng.choice(("person", "youth"))),
        "town": town, "town2": town2, "region": region, "outlet": outlet_name,
        "killed_title": f"{killed_n} قتلى" if killed_n <= 10 else f"{killed_n} قتيلاً",
    }
    sentences = [rng.choice(LEDES[action])]
    quotes = CALM_QUOTES if action in CALM_ACTIONS else QUOTES
    for _ in range(rng.randint(1, 3)):
        frame = rng.choice(QUOTE_FRAMES)
        sentences.append(frame.replace("{quote}", rng.choice(quotes)).replace("{source}", rng.choice(SOURCES)))
    if rng.random() < 0.5:
        sentences.append(rng.choice(FOLLOW_UPS))
    sentences += rng.sample(BACKGROUND, rng.randint(2, 4))
    if rng.random() < 0.6:
        sentences.append(rng.choice(REACTIONS))
    text = "\n".join(s.format(**slots) for s in sentences)
    title = rng.choice(TITLES[action]).format(**slots)
    return country, title, text


def _negative_article(rng: random.Random, published: dt.datetime) -> tuple[str, str, str]:
    country = rng.choice(tuple(COUNTRIES))
    town, _ = rng.choice(COUNTRIES[country]["places"])
    title, sentences = rng.choice(NEGATIVES)
    slots = {"town": town, "date": _relative_date(rng, published), "count_digits": str(rng.randint(12, 60))}
    return country, title.format(**slots), "\n".join(s.format(**slots) for s in sentences)


def build_article(index: int, *, seed: int) -> dict:
    """Article number ``index`` of the corpus for ``seed``: fields id, url, published, title, text, source."""
    rng = random.Random(f"{seed}:{index}")
    published = dt.datetime.combine(START_DATE + dt.timedelta(days=rng.randrange(DAYS_SPANNED)),
                                    dt.time(rng.randrange(24), rng.randrange(60)), tzinfo=dt.UTC)
    domain, outlet_name = rng.choice(OUTLETS)
    if rng.random() < NEGATIVE_SHARE:
        country, title, text = _negative_article(rng, published)
    else:
        country, title, text = _event_article(rng, published, outlet_name)
    if rng.random() < 0.3:
        text += "\n" + rng.choice(BOILERPLATE).format(outlet_name=outlet_name)
    article_id = f"bench-{seed}-{index:07d}"
    return {
        "id": article_id,
        "url": f"https://{domain}/{country}/{published:%Y/%m/%d}/{index:07d}.html",
        "published": published.isoformat().replace("+00:00", "Z"),
        "title": title,
        "text": text,
        "source": domain.split(".")[0],
    }


def build_corpus(n: int, *, seed: int) -> Iterator[dict]:
    """Stream ``n`` articles (deterministic for a seed); nothing is kept in memory."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    for index in range(n):
        yield build_article(index, seed=seed)


class _Progress:
    """Counter on stderr every PROGRESS_EVERY articles (and at the end)."""

    def __init__(self, total: int, label: str, enabled: bool) -> None:
        self.total, self.label, self.enabled, self.start = total, label, enabled, time.monotonic()

    def tick(self, done: int) -> None:
        if self.enabled and (done % PROGRESS_EVERY == 0 or done == self.total):
            rate = done / max(time.monotonic() - self.start, 1e-9)
            print(f"\r{self.label}: {done}/{self.total} articles ({rate:,.0f}/s)", end="", file=sys.stderr,
                  flush=True)
            if done == self.total:
                print(file=sys.stderr)


def write_jsonl(path: str | Path, n: int, seed: int, *, progress: bool = False) -> int:
    """Write the corpus as JSONL (one article per line, UTF-8); return the number of articles."""
    bar = _Progress(n, f"jsonl {path}", progress)
    count = 0
    with Path(path).open("w", encoding="utf-8", newline="\n") as fh:
        for count, article in enumerate(build_corpus(n, seed=seed), 1):
            fh.write(json.dumps(article, ensure_ascii=False, sort_keys=True) + "\n")
            bar.tick(count)
    return count


def render_html(article: dict) -> str:
    """An article as a news page with site boilerplate (nav, share, related links, comments, footer)."""
    e = html.escape
    domain = article["url"].split("/")[2]
    paragraphs = "\n".join(f"<p>{e(line)}</p>" for line in article["text"].split("\n"))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>{e(article["title"])}</title>
<link rel="canonical" href="{article["url"]}">
<meta property="og:title" content="{e(article["title"])}">
<meta property="article:published_time" content="{article["published"]}">
</head>
<body>
<header><nav><ul><li><a href="https://{domain}/">الرئيسية</a></li><li><a href="https://{domain}/iraq/">العراق</a></li>
<li><a href="https://{domain}/syria/">سوريا</a></li><li><a href="https://{domain}/sudan/">السودان</a></li>
<li><a href="https://{domain}/sports/">رياضة</a></li></ul></nav></header>
<main><article>
<h1>{e(article["title"])}</h1>
<div class="meta"><time datetime="{article["published"]}">{article["published"][:10]}</time></div>
<div class="share">شارك: <a href="#">فيسبوك</a> <a href="#">إكس</a> <a href="#">واتساب</a></div>
<div class="article-body">
{paragraphs}
</div>
</article>
<section class="related"><h3>مقالات ذات صلة</h3><ul>
<li><a href="https://{domain}/more/1">الأرصاد تتوقع طقساً بارداً</a></li>
<li><a href="https://{domain}/more/2">أسعار الصرف في السوق الموازية</a></li></ul></section>
<section class="comments"><h3>التعليقات (1)</h3><ol><li><b>زائر</b><p>الله يحفظ البلاد وأهلها.</p></li></ol>
<form><textarea name="c"></textarea><button>أرسل التعليق</button></form></section>
</main>
<footer><p>جميع الحقوق محفوظة &copy; 2025</p><a href="https://{domain}/privacy">سياسة الخصوصية</a></footer>
</body>
</html>
"""


def _record_id(kind: str, uri: str) -> str:
    return f"<urn:uuid:{uuid.UUID(hex=hashlib.sha256(f'{kind} {uri}'.encode()).hexdigest()[:32])}>"


def _warc_record_bytes(article: dict) -> bytes:
    """One gzip member holding the article's WARC/1.0 response record (deterministic bytes)."""
    body = render_html(article).encode("utf-8")
    published = dt.datetime.fromisoformat(article["published"].replace("Z", "+00:00"))
    fetched = published + dt.timedelta(minutes=30)
    http_headers = StatusAndHeaders("200 OK", [
        ("Date", format_datetime(fetched, usegmt=True)),
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Last-Modified", format_datetime(published, usegmt=True)),
    ], protocol="HTTP/1.1")
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False, warc_version="1.0")
    record = writer.create_warc_record(article["url"], "response", payload=io.BytesIO(body), length=len(body),
                                       http_headers=http_headers, warc_headers_dict={
                                           "WARC-Date": fetched.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                           "WARC-Record-ID": _record_id("response", article["url"]),
                                       })
    writer.write_record(record)
    return gzip.compress(buffer.getvalue(), compresslevel=GZIP_LEVEL, mtime=0)


def write_warc(path: str | Path, n: int, seed: int, *, progress: bool = False) -> int:
    """Write the corpus as a .warc.gz of HTML response records (one gzip member each); return the count."""
    bar = _Progress(n, f"warc {path}", progress)
    count = 0
    with Path(path).open("wb") as fh:
        for count, article in enumerate(build_corpus(n, seed=seed), 1):
            fh.write(_warc_record_bytes(article))
            bar.tick(count)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of articles")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed -> same bytes)")
    parser.add_argument("--format", choices=("jsonl", "warc"), default="jsonl")
    parser.add_argument("--out", type=Path, required=True, help="output file (.jsonl or .warc.gz)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be >= 0")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    writer = write_jsonl if args.format == "jsonl" else write_warc
    count = writer(args.out, args.n, args.seed, progress=True)
    elapsed = time.monotonic() - start
    print(f"{count} articles -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {elapsed:.1f}s)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
