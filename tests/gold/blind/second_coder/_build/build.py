#!/usr/bin/env python3
"""Second coder's codes for blind gold articles m001-m012, s001-s012, l001-l006,l008,l009,l011,l012,l014,l015.
Coded from article texts + guidelines only (eval/dev/README.md rules E, A, D, F, clar. 1-12).
Each event gives an evidence *fragment*; the script expands it to the one full sentence of the text
that contains it (dateline «X – » stripped), checks every span is an exact substring, checks field types,
and writes ../gold_events.jsonl."""
import json, re, os, sys, datetime

HERE = os.path.dirname(os.path.abspath(__file__))
BLIND = os.path.normpath(os.path.join(HERE, '..', '..'))
OUT = os.path.join(HERE, '..', 'gold_events.jsonl')
FILES = ['maghreb/articles.jsonl', 'sahel_gulf/articles.jsonl', 'levant/articles.jsonl']

IDS = (['m%03d' % i for i in range(1, 13)] + ['s%03d' % i for i in range(1, 13)] +
       ['l001', 'l002', 'l003', 'l004', 'l005', 'l006', 'l008', 'l009', 'l011', 'l012', 'l014', 'l015'])

TYPES = {'armed_clash', 'attack', 'airstrike_shelling', 'explosion_ied', 'abduction', 'arrest_raid',
         'security_operation', 'protest', 'riot', 'statement', 'meeting_negotiation', 'agreement',
         'deployment_withdrawal', 'other'}

ART = {}
for f in FILES:
    for line in open(os.path.join(BLIND, f), encoding='utf-8'):
        a = json.loads(line)
        if a['id'] in IDS:
            ART[a['id']] = a  # only id, published and text are used


def sentences(text):
    out = []
    for i, line in enumerate(text.split('\n')):
        line = line.strip()
        if not line:
            continue
        if i == 0:
            line = re.sub(r'^[^–\n]{1,60}? – ', '', line)  # dateline
        out.extend(s for s in re.split(r'(?<=[.!؟?])\s+', line) if s)
    return out


def sent(aid, frag):
    hits = [s for s in sentences(ART[aid]['text']) if frag in s]
    assert len(hits) == 1, (aid, frag, hits)
    return hits[0]


# (article, actor, actor_norm, type, target, target_norm, location_text, country, admin1, date, precision, fatalities, evidence fragment)
E = [
# ---------------- maghreb ----------------
('m001', 'المسلحين', 'Unidentified gunmen (suspected ISIS Sinai Province)', 'attack', 'حاجزين عسكريين', 'Egyptian Army (checkpoint)',
 'منطقة الشيخ زويد', 'EG', 'North Sinai', '2015-04-02', 'day', None, 'استهدفوا حاجزاً في منطقة الشيخ زويد'),
('m001', 'المسلحين', 'Unidentified gunmen (suspected ISIS Sinai Province)', 'attack', 'حاجزين عسكريين', 'Egyptian Army (checkpoint)',
 'مدينة رفح', 'EG', 'North Sinai', '2015-04-02', 'day', None, 'استهدفوا حاجزاً في منطقة الشيخ زويد'),
('m002', 'مجموعة من المسلحين', 'Unidentified gunmen', 'attack', 'كمين عسكري', 'Egyptian Army (checkpoint)',
 'مدينة بئر العبد', 'EG', 'North Sinai', '2016-10-14', 'day', 12, 'شنت هجوماً على كمين عسكري'),
('m003', 'انتحارياً', 'Unidentified (suicide bomber)', 'explosion_ied', 'حاجز للجيش', 'Egyptian Army (checkpoint)',
 'كرم القواديس', 'EG', 'North Sinai', '2014-10-24', 'month', 10, 'انتحارياً كان يقود سيارة مفخخة'),
('m004', 'مسلحين', 'Unidentified gunmen (takfiri)', 'attack', 'الجنود الخمسة', 'Egyptian Army (off-duty soldiers)',
 'طريق الحسنة - نخل', 'EG', 'North Sinai', '2013-09-15', 'day', 5, 'وكان الجنود الخمسة قد قُتلوا'),
('m005', 'المتظاهرون', 'Protesters (Tunisia)', 'riot', 'عناصر الشرطة', 'Tunisian security forces',
 'شارع الحبيب بورقيبة', 'TN', 'Tunis', '2021-06-12', 'day', 0, 'اندلعت مناوشات بين المتظاهرين'),
('m005', 'قوات الأمن', 'Tunisian security forces', 'arrest_raid', 'المحتجين', 'Protesters (Tunisia)',
 'العاصمة تونس', 'TN', 'Tunis', '2021-06-12', 'day', 0, 'واعتقلت عدداً منهم'),
('m006', 'الشبان', 'Protesters (Mauritania)', 'riot', 'عناصر الشرطة', 'Mauritanian police',
 'نواكشوط', 'MR', 'Nouakchott Ouest', '2012-04-25', 'day', 0, 'ورشقوا عناصر الشرطة بالحجارة'),
('m006', 'الشرطة', 'Mauritanian police', 'arrest_raid', 'نحو أربعين شاباً معارضاً', 'Protesters (Mauritania)',
 'نواكشوط', 'MR', 'Nouakchott Ouest', '2012-04-25', 'day', 0, 'اعتُقل نحو أربعين شاباً معارضاً'),
('m007', 'قوات «اللواء 444»', '444 Brigade', 'armed_clash', 'قوات الردع الخاصة', 'Special Deterrence Force (Rada)',
 'العاصمة طرابلس', 'LY', 'Tripoli', '2023-08-14', 'day', 2, 'تبادلاً لإطلاق النار بين قوات'),
('m008', 'مقاتلي «اللواء 444»', '444 Brigade', 'armed_clash', 'قوات الردع الخاصة', 'Special Deterrence Force (Rada)',
 'منطقتي عين زارة وصلاح الدين', 'LY', 'Tripoli', '2023-08-14', 'day', 55, 'وكان احتجاز حمزة قد فجّر'),
('m008', 'قوات الأمن التابعة لوزارة الدفاع في حكومة الوحدة الوطنية', 'GNU Ministry of Defence forces', 'deployment_withdrawal', None, None,
 'منطقة عين زارة', 'LY', 'Tripoli', '2023-08-16', 'month', 0, 'وانتشرت قوات الأمن التابعة'),
('m009', 'مفرزة للجيش الوطني الشعبي', 'Algerian Army', 'security_operation', 'إرهابي', 'Militants',
 'منطقة تاشتة', 'DZ', 'Ain Defla', '2015-06-30', 'day', 1, 'قضت يوم أمس على إرهابي'),
('m010', 'الجيش', 'Algerian Army', 'security_operation', 'إرهابيين', 'Militants',
 'بيسي', 'DZ', 'Skikda', '2018-07-30', 'day', 4, 'أسفرت في مرحلتها الأولى'),
('m011', 'عناصر مختلفة من الجيش', 'South Sudan army (SPLA) factions', 'armed_clash', None, None,
 'جوبا', 'SS', 'Central Equatoria', '2013-12-16', 'day', 26, 'وأعلن وزير الدولة لشؤون الصحة'),
('m011', 'عناصر مختلفة من الجيش', 'South Sudan army (SPLA) factions', 'armed_clash', None, None,
 'جوبا', 'SS', 'Central Equatoria', '2013-12-17', 'day', 0, 'تجددت المعارك أمس في جوبا'),
('m011', 'قوات الأمن', 'South Sudan security forces', 'deployment_withdrawal', None, None,
 'جوبا', 'SS', 'Central Equatoria', '2013-12-17', 'day', 0, 'وجابت قوات الأمن أمس'),
('m012', 'الجيش المغربي', 'Moroccan Army', 'armed_clash', 'مقاتلو البوليساريو', 'Polisario Front',
 'منطقة المحبس', 'EH', None, '2020-11-17', 'month', 0, 'وتبادل الجيش المغربي ومقاتلو البوليساريو'),
# ---------------- sahel_gulf ----------------
('s001', 'مسلحون', 'Unidentified gunmen', 'attack', 'قافلة عسكرية', 'Malian Army (convoy)',
 'ماسينا سيركل', 'ML', 'Segou', '2021-09-12', 'day', 8, 'في كمين نصبه مسلحون لقافلة عسكرية'),
('s002', 'حركة الشباب', 'Al-Shabaab', 'explosion_ied', 'مطعماً', 'Civilians and soldiers (restaurant)',
 'ضاحية هودان', 'SO', 'Banadir', '2019-10-19', 'day', 7, 'قُتل سبعة أشخاص على الأقل'),
('s003', 'مسلحين', 'Unidentified gunmen (suspected Boko Haram)', 'abduction', 'نحو أربعين شاباً وصبياً', 'Civilians (youths and boys)',
 'قرية مالاري', 'NG', 'Borno', '2014-12-31', 'day', 0, 'خطفوا نحو أربعين شاباً'),
('s004', 'بوكو حرام', 'Boko Haram', 'armed_clash', 'الجيش التشادي', 'Chadian Army',
 'جزيرة شوا', 'TD', 'Lac', '2017-03-08', 'day', 37, 'أن أربعة من جنوده قُتلوا يوم الأربعاء'),
('s005', 'محتجين', 'Protesters (Ethiopia)', 'riot', 'قوات الأمن الإثيوبية', 'Ethiopian security forces',
 'مدينة أمبو', 'ET', 'Oromiya', '2017-10-26', 'day', 12, 'سقط قتلى وجرحى، اليوم الخميس'),
('s006', 'الطيران الأميركي', 'US forces', 'airstrike_shelling', None, None,
 'محيط مدينة صعدة', 'YE', 'Saada', '2025-04-24', 'day', 0, 'شن خمس غارات جوية على محيط مدينة صعدة'),
('s006', 'مقاتلات أميركية', 'US forces', 'airstrike_shelling', None, None,
 'مديرية خب والشعف', 'YE', 'Al Jawf', '2025-04-24', 'day', 0, 'نفذت سلسلة غارات على مديرية خب والشعف'),
('s007', 'مسلحون', 'Unidentified gunmen (suspected jihadists)', 'attack', 'وحدة من الحرس الوطني', 'Niger National Guard',
 'بلدة أنزورو', 'NE', 'Tillaberi', '2023-08-20', 'day', 12, 'تعرضت لكمين يوم الأحد'),
('s008', None, 'Protesters (Ethiopia)', 'riot', None, None,
 'إقليم أوروميا', 'ET', 'Oromiya', '2020-07-05', 'month', 156, 'أي 156 شخصاً'),
('s008', None, 'Protesters (Ethiopia)', 'riot', None, None,
 'العاصمة', 'ET', 'Addis Ababa', '2020-07-05', 'month', 10, 'أي 156 شخصاً'),
('s009', 'جماعات مسلحة', 'Unidentified armed groups', 'attack', None, 'Civilians (villagers)',
 'كوراكو', 'BF', 'Sahel', '2023-04-06', 'day', None, 'وقعا في قريتي كوراكو وتوندوبي'),
('s009', 'جماعات مسلحة', 'Unidentified armed groups', 'attack', None, 'Civilians (villagers)',
 'توندوبي', 'BF', 'Sahel', '2023-04-06', 'day', None, 'وقعا في قريتي كوراكو وتوندوبي'),
('s010', 'متطرفون', 'Unidentified militants (suspected jihadists)', 'attack', 'قرية كييه', 'Civilians (villagers)',
 'قرية كييه', 'BF', 'Boucle du Mouhoun', '2020-02-02', 'month', 12, 'قُتل 12 مدنياً في هجوم'),
('s011', 'حركة الشباب', 'Al-Shabaab', 'explosion_ied', None, 'Civilians and soldiers',
 'مقديشو', 'SO', 'Banadir', '2016-07-30', 'day', 13, 'في انفجار سيارتين مفخختين'),
('s012', 'بوكو حرام', 'Boko Haram', 'attack', 'وحدة عسكرية', 'Chadian Army',
 'جزيرة بوما', 'TD', 'Lac', '2020-03-23', 'day', 92, 'إن 92 جندياً قُتلوا'),
# ---------------- levant ----------------
('l001', 'المسيّرة', 'Israeli forces', 'airstrike_shelling', 'سيارة', 'Civilians (car) / alleged Hezbollah commander',
 'منطقة وادي خليل', 'LB', 'South Lebanon', '2025-04-15', 'day', 1, 'أغارت على سيارة كانت تعبر منطقة وادي خليل'),
('l001', 'الطيران الإسرائيلي', 'Israeli forces', 'airstrike_shelling', 'غرفة جاهزة ومعملاً لحجارة الإسمنت', 'Civilians (property)',
 'بلدة يارين', 'LB', 'South Lebanon', '2025-04-15', 'day', 0, 'سلسلة اعتداءات، إذ استهدف'),
('l001', 'طائرة استطلاع إسرائيلية', 'Israeli forces', 'airstrike_shelling', 'جرار زراعي', 'Civilians (farm tractor)',
 'بلدة الضهيرة', 'LB', 'South Lebanon', '2025-04-15', 'day', 0, 'ألقت طائرة استطلاع إسرائيلية قنبلة'),
('l001', 'مسيّرة أخرى', 'Israeli forces', 'airstrike_shelling', 'مستودع', 'Warehouse',
 'بلدة عيتا الشعب', 'LB', 'Nabatieh', '2025-04-15', 'day', 0, 'ألقت طائرة استطلاع إسرائيلية قنبلة'),
('l002', None, 'Unidentified', 'explosion_ied', 'قوة مشتركة من جهاز مكافحة الإرهاب ومديرية الاستخبارات', 'Iraqi Counter-Terrorism Service and Intelligence',
 'منطقة سحول راوة', 'IQ', 'Anbar', '2025-09-21', 'month', 2, 'إحدى العبوات انفجرت في أثناء تنفيذ الواجب'),
]
L3_TODAY = ['البارة', 'فليفل', 'الفطيرة', 'كنصفرة']
for v in L3_TODAY:
    E.append(('l003', 'قوات النظام', 'Syrian regime forces', 'airstrike_shelling', None, None,
              v, 'SY', 'Idlib', '2020-07-16', 'day', 0, 'عادت صباح اليوم إلى قصف بلدات'))
for v in ['معارة النعسان', 'الفطيرة', 'سفوهن', 'كفرعويد']:
    E.append(('l003', 'قوات النظام', 'Syrian regime forces', 'airstrike_shelling', None, None,
              v, 'SY', 'Idlib', '2020-07-15', 'day', 0, 'تركّز قصف الأربعاء'))
E += [
('l003', 'الفصائل المسلحة', 'Syrian opposition', 'airstrike_shelling', 'مواقع قوات النظام', 'Syrian regime forces',
 'بلدة كفرنبل', 'SY', 'Idlib', '2020-07-15', 'day', 0, 'وردّت الفصائل المسلحة أمس'),
('l004', 'العدو الإسرائيلي', 'Israeli forces', 'airstrike_shelling', 'سيارة مدنية', 'Civilians (car)',
 'بلدتي الشعيتية والقليلية', 'LB', 'South Lebanon', '2023-11-21', 'day', 4, 'قُتل أربعة لبنانيين'),
('l004', 'غارة إسرائيلية', 'Israeli forces', 'airstrike_shelling', 'مراسلتها فرح عمر والمصوّر ربيع المعماري', 'Journalists (Al-Mayadeen) and a civilian',
 'منطقة مثلث طيرحرفا', 'LB', 'South Lebanon', '2023-11-21', 'day', 3, 'مقتل مراسلتها فرح عمر'),
('l004', 'الطيران الحربي الإسرائيلي', 'Israeli forces', 'airstrike_shelling', 'منزل مأهول', 'Civilians (residential home)',
 'بلدة كفركلا', 'LB', 'Nabatieh', '2023-11-21', 'day', 1, 'لقيت امرأة مسنّة حتفها'),
('l005', None, 'Unidentified', 'explosion_ied', 'دوريتهم', 'Iraqi Army (patrol)',
 'منطقة المشاهدة', 'IQ', 'Baghdad', '2018-03-09', 'day', 1, 'بانفجار عبوة ناسفة استهدفت دوريتهم'),
('l005', None, 'Unidentified', 'explosion_ied', 'سوق', 'Civilians (market)',
 'قضاء المدائن', 'IQ', 'Baghdad', '2018-03-09', 'day', 2, 'عبوة ناسفة انفجرت بالقرب من سوق'),
('l005', None, 'Unidentified', 'explosion_ied', 'قوة من اللواء الخامس عشر التابع لقيادة حرس حدود المنطقة الثانية', 'Iraqi Border Guards',
 'مدينة الرطبة', 'IQ', 'Anbar', '2018-03-09', 'day', 2, 'دخلت منزلاً غرب مدينة الرطبة'),
('l006', None, 'Unidentified', 'explosion_ied', 'عجلة تابعة للجيش العراقي', 'Iraqi Army (vehicle)',
 'قضاء راوة', 'IQ', 'Anbar', '2019-07-30', 'day', 2, 'العبوة استهدفت عجلة'),
('l006', None, 'Unidentified', 'explosion_ied', 'شركة تعمل في قطاع الاتصالات', 'Telecommunications company',
 'منطقة السراجي', 'IQ', 'Basra', '2019-07-29', 'day', 0, 'وُضعت أمام مدخل شركة'),
('l006', 'مجهولون', 'Unidentified', 'attack', 'قاعة النارنج للمناسبات', 'Civilians (events hall)',
 'قضاء الكوفة', 'IQ', 'Najaf', '2019-07-28', 'day', 0, 'أقدم مجهولون مساء الأحد'),
('l008', 'جهة مجهولة', 'Unidentified', 'abduction', 'الناشط سجاد العراقي', 'Protest activist',
 'مدينة الناصرية', 'IQ', 'Dhi Qar', '2020-09-19', 'day', 0, 'لا يزال الناشط سجاد العراقي مختطفاً'),
('l009', 'آلاف الأردنيين', 'Protesters (Jordan)', 'protest', None, None,
 'منطقة الرابية', 'JO', 'Amman', '2021-05-11', 'day', 0, 'احتشد آلاف الأردنيين مساء اليوم'),
('l011', 'مئات الأردنيين', 'Protesters (Jordan)', 'protest', None, None,
 'منطقة الصويفية', 'JO', 'Amman', '2024-10-21', 'day', 0, 'شارك مئات الأردنيين، مساء الاثنين'),
('l012', 'طائرة مسيّرة إسرائيلية', 'Israeli forces', 'airstrike_shelling', 'سيارة', 'Hezbollah (suspected commander, car)',
 'مدينة بنت جبيل', 'LB', 'Nabatieh', '2024-02-12', 'day', 0, 'استهدفت السيارة على الطريق العام لمدينة بنت جبيل'),
('l012', 'إسرائيل', 'Israeli forces', 'airstrike_shelling', 'سيارة', 'Hamas (commander Basil Saleh, car)',
 'بلدة جدرا', 'LB', 'Mount Lebanon', '2024-02-10', 'day', 2, 'ويوم السبت، استهدفت إسرائيل سيارة'),
('l015', 'الجيش اللبناني', 'Lebanese Army', 'deployment_withdrawal', None, None,
 'شيحين', 'LB', 'South Lebanon', '2025-01-03', 'month', 0, 'أن وحداته انتشرت في بلدتي شيحين والجبين'),
('l015', 'الجيش اللبناني', 'Lebanese Army', 'deployment_withdrawal', None, None,
 'الجبين', 'LB', 'South Lebanon', '2025-01-03', 'month', 0, 'أن وحداته انتشرت في بلدتي شيحين والجبين'),
]

KEYS = ['article_id', 'actor', 'actor_norm', 'action_type', 'target', 'target_norm', 'location_text',
        'country', 'admin1', 'event_date', 'date_precision', 'fatalities', 'evidence']
rows, errors = [], []
for e in E:
    aid, actor, anorm, typ, target, tnorm, loc, cc, adm1, date, prec, fat, frag = e
    text = ART[aid]['text']
    ev = sent(aid, frag)
    r = dict(zip(KEYS, [aid, actor, anorm, typ, target, tnorm, loc, cc, adm1, date, prec, fat, ev]))
    for k in ('actor', 'target', 'location_text', 'evidence'):
        if r[k] is not None and r[k] not in text:
            errors.append((aid, k, r[k]))
    if r['location_text'] is None or r['evidence'] is None or r['actor_norm'] is None:
        errors.append((aid, 'required', r))
    if typ not in TYPES: errors.append((aid, 'type', typ))
    if not (isinstance(cc, str) and re.fullmatch(r'[A-Z]{2}', cc)): errors.append((aid, 'country', cc))
    if adm1 is not None and not isinstance(adm1, str): errors.append((aid, 'admin1', adm1))
    datetime.date.fromisoformat(date)
    if date > ART[aid]['published']: errors.append((aid, 'date after published', date))
    if prec not in ('day', 'month', 'year'): errors.append((aid, 'precision', prec))
    if not (fat is None or (isinstance(fat, int) and not isinstance(fat, bool) and fat >= 0)): errors.append((aid, 'fat', fat))
    if (target is None) != (tnorm is None) and not (target is None and tnorm):
        errors.append((aid, 'target/target_norm', target, tnorm))
    if re.match(r'^[^–]{1,60} – ', ev): errors.append((aid, 'dateline in evidence', ev[:40]))
    rows.append(r)

if errors:
    for x in errors: print('ERROR', x)
    sys.exit(1)
order = {a: i for i, a in enumerate(IDS)}
rows.sort(key=lambda r: order[r['article_id']])  # stable within article
with open(OUT, 'w', encoding='utf-8') as f:
    for r in rows:
        f.write(json.dumps(r, ensure_ascii=False) + '\n')
coded = sorted({r['article_id'] for r in rows}, key=order.get)
print(len(rows), 'events;', len(coded), 'articles with events;', 'no events:', [a for a in IDS if a not in coded])
