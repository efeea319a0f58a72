"""The sample articles, written for warnews: Ukrainian sentences beside reference English.

Each paragraph is a list of (Ukrainian, English) sentence pairs. build.py turns them into
the sample inputs (samples/*.html, samples/*.txt) and into phrasebook.json, which the local
Google emulation uses as its dictionary when regenerate.py makes samples/out/.
People and organisations are fictional.
"""

ENERGY = {
    "name": "energy",
    "title": (
        "Енергетики за добу повернули світло у три райони Харкова",
        "Power engineers restored electricity to three districts of Kharkiv in a day",
    ),
    "published": "2024-03-22",
    "author": "Ірина Савчук",
    "site": "Слобожанські вісті",
    "paragraphs": [
        [
            (
                "Енергетики за добу відновили електропостачання у трьох районах Харкова після нічного ракетного удару.",
                "Power engineers restored electricity to three districts of Kharkiv within a day after an overnight missile strike.",
            ),
            (
                "Без світла залишалися понад 40 тисяч абонентів.",
                "More than 40,000 subscribers had been left without power.",
            ),
        ],
        [
            (
                "Про це повідомила міська енергокомпанія «Слобожанська мережа» у п'ятницю, 22 березня.",
                "The city energy company Slobozhanska Merezha reported this on Friday, March 22.",
            ),
            (
                "За даними компанії, ремонтні бригади працювали всю ніч, попри повторні повітряні тривоги.",
                "According to the company, repair crews worked all night despite repeated air raid alerts.",
            ),
        ],
        [
            (
                "«Ми замінили два пошкоджені трансформатори й проклали понад кілометр нового кабелю», – розповів головний інженер компанії Олег Мельничук.",
                "“We replaced two damaged transformers and laid more than a kilometer of new cable,” said the company’s chief engineer Oleh Melnychuk.",
            ),
            (
                "За його словами, найскладніше було відновити підстанцію, яка живить дві лікарні та водоканал.",
                "According to him, the hardest part was restoring the substation that supplies two hospitals and the water utility.",
            ),
        ],
        [
            (
                "Лікарні всю ніч працювали від генераторів, тож жоден пацієнт не постраждав.",
                "The hospitals ran on generators all night, so no patient was harmed.",
            ),
            (
                "Водопостачання в лівобережній частині міста відновили вже о шостій ранку.",
                "Water supply in the left-bank part of the city was restored by six in the morning.",
            ),
        ],
        [
            (
                "Міська рада закликала мешканців економно споживати електроенергію у вечірні години, з 18:00 до 22:00.",
                "The city council urged residents to use electricity sparingly in the evening hours, from 18:00 to 22:00.",
            ),
            (
                "Графіки стабілізаційних відключень поки не застосовуються, але можуть повернутися, якщо навантаження на мережу зросте.",
                "Stabilization outage schedules are not being applied for now, but they may return if the load on the grid increases.",
            ),
        ],
        [
            (
                "У компанії додали, що мають запас обладнання ще на кілька подібних ремонтів.",
                "The company added that it has a stock of equipment for several more similar repairs.",
            ),
            (
                "Частину трансформаторів передали партнери з Литви та Польщі.",
                "Some of the transformers were provided by partners from Lithuania and Poland.",
            ),
        ],
        [
            (
                "Нагадаємо, це вже третій масований удар по енергетичній інфраструктурі міста від початку року.",
                "As a reminder, this is already the third massive strike on the city’s energy infrastructure since the beginning of the year.",
            ),
            (
                "Попередні атаки залишали без світла до 200 тисяч людей.",
                "Previous attacks left up to 200,000 people without power.",
            ),
        ],
    ],
}

VOLUNTEERS = {
    "name": "volunteers",
    "title": (
        "Волонтери з Луцька доставили прифронтовим громадам 60 генераторів",
        "Volunteers from Lutsk delivered 60 generators to frontline communities",
    ),
    "published": "2024-02-14",
    "author": "Андрій Гнатюк",
    "site": "Волинь сьогодні",
    "paragraphs": [
        [
            (
                "Волонтери благодійного фонду «Світло для своїх» доставили 60 генераторів у прифронтові громади Донеччини.",
                "Volunteers of the charitable foundation Svitlo dlia Svoikh delivered 60 generators to frontline communities in the Donetsk region.",
            ),
            (
                "Техніку придбали за кошти, зібрані мешканцями Луцька за два місяці.",
                "The equipment was bought with money raised by the residents of Lutsk over two months.",
            ),
        ],
        [
            (
                "Колона з п'яти бусів вирушила з Луцька в понеділок і за дві доби подолала понад 1200 кілометрів.",
                "A convoy of five vans left Lutsk on Monday and covered more than 1,200 kilometers in two days.",
            ),
            (
                "Генератори отримали школи, амбулаторії, пункти незламності та кілька багатоквартирних будинків.",
                "The generators went to schools, outpatient clinics, invincibility points and several apartment buildings.",
            ),
        ],
        [("Що саме передали", "What exactly was delivered")],
        [
            (
                "Серед вантажу: 60 генераторів, 300 літрів пального, 40 павербанків і 25 ліхтарів.",
                "Among the cargo: 60 generators, 300 liters of fuel, 40 power banks and 25 flashlights.",
            )
        ],
        [
            (
                "«Люди там живуть без світла тижнями, а генератор означає теплу їжу, зв'язок і можливість зарядити телефон», – каже координаторка фонду Наталія Коваль.",
                "“People there live without electricity for weeks, and a generator means hot food, a connection and a chance to charge a phone,” says the foundation’s coordinator Nataliia Koval.",
            ),
            (
                "Вона розповіла, що список потреб складали разом з місцевими старостами.",
                "She said that the list of needs was drawn up together with the local village heads.",
            ),
        ],
        [
            (
                "Найбільше генераторів отримала громада, де вже пів року немає стабільного електропостачання.",
                "The most generators went to a community that has had no stable power supply for half a year.",
            ),
            (
                "Там їх встановили в укритті місцевої школи та в будинку культури.",
                "There they were installed in the shelter of the local school and in the house of culture.",
            ),
        ],
        [
            (
                "Фонд планує наступну поїздку на початку березня.",
                "The foundation plans its next trip for early March.",
            ),
            (
                "Цього разу волонтери збирають кошти на фільтри для води та теплі ковдри.",
                "This time the volunteers are raising money for water filters and warm blankets.",
            ),
        ],
        [
            (
                "Долучитися до збору можна через сторінку фонду в соцмережах.",
                "You can join the fundraiser through the foundation’s page on social networks.",
            ),
            (
                "Кожен внесок, навіть найменший, наближає наступну поїздку.",
                "Every contribution, even the smallest, brings the next trip closer.",
            ),
        ],
    ],
}

SCHOOL = {
    "name": "school",
    "title": ("У Запоріжжі відкрили підземну школу", "An underground school opened in Zaporizhzhia"),
    "published": None,
    "paragraphs": [
        [
            (
                "У Запоріжжі відкрили першу підземну школу, розраховану на 900 учнів.",
                "The first underground school, designed for 900 students, opened in Zaporizhzhia.",
            ),
            ("Заняття в ній проходитимуть у дві зміни.", "Classes there will be held in two shifts."),
        ],
        [
            (
                "Приміщення розташоване на глибині шести метрів і має власну систему вентиляції.",
                "The premises are six meters underground and have their own ventilation system.",
            ),
            (
                "У разі повітряної тривоги уроки не перериватимуться.",
                "Lessons will not be interrupted during an air raid alert.",
            ),
        ],
        # KOI8-U has no guillemets or en dash: this text uses the ASCII quote and hyphen.
        [
            (
                '"Діти нарешті зможуть бачити однокласників не лише на екрані", - сказала директорка школи Оксана Бондар.',
                "“Children will finally be able to see their classmates not only on a screen,” said the school principal Oksana Bondar.",
            ),
            (
                "Вона додала, що батьки чекали на цей день понад два роки.",
                "She added that parents had waited for this day for more than two years.",
            ),
        ],
        [
            (
                "Будівництво тривало вісім місяців і коштувало близько 90 мільйонів гривень.",
                "Construction took eight months and cost about 90 million hryvnias.",
            ),
            (
                "Місто планує збудувати ще дві такі школи до кінця року.",
                "The city plans to build two more such schools by the end of the year.",
            ),
        ],
    ],
}

GRAIN = {
    "name": "grain",
    "title": (
        "Порти Одещини за місяць відвантажили рекордні 4 мільйони тонн зерна",
        "Odesa region ports shipped a record 4 million tonnes of grain in a month",
    ),
    "published": None,
    "paragraphs": [
        [
            (
                "Порти Великої Одеси у квітні відвантажили на експорт понад 4 мільйони тонн зерна, що стало найкращим результатом від початку повномасштабного вторгнення.",
                "In April, the ports of Greater Odesa shipped more than 4 million tonnes of grain for export, the best result since the start of the full-scale invasion.",
            ),
            (
                "Про це повідомили в Українській зерновій асоціації.",
                "This was reported by the Ukrainian Grain Association.",
            ),
            (
                "Для порівняння, в березні через порти пройшло близько 3,2 мільйона тонн.",
                "For comparison, about 3.2 million tonnes passed through the ports in March.",
            ),
        ],
        [
            (
                "Основну частину експорту становили кукурудза та пшениця.",
                "Corn and wheat made up most of the exports.",
            ),
            (
                "Також зросли поставки соняшникової олії та ячменю.",
                "Shipments of sunflower oil and barley also grew.",
            ),
            (
                "Найбільшими покупцями залишаються Єгипет, Іспанія, Туреччина та Китай.",
                "Egypt, Spain, Turkey and China remain the largest buyers.",
            ),
        ],
        [
            (
                "За словами аналітика асоціації Віктора Гончаренка, ключову роль відіграв український морський коридор, який працює без участі Росії.",
                "According to the association’s analyst Viktor Honcharenko, the Ukrainian maritime corridor, which operates without Russia’s participation, played the key role.",
            ),
            (
                "Судна заходять у порти та виходять з них уздовж узбережжя під захистом сил оборони.",
                "Ships enter and leave the ports along the coast under the protection of the defense forces.",
            ),
            (
                "«Ще рік тому мало хто вірив, що коридор витримає постійні атаки, але сьогодні ним щодня проходять десятки суден», – зазначив Гончаренко.",
                "“A year ago few believed that the corridor would withstand constant attacks, but today dozens of ships pass through it every day,” Honcharenko noted.",
            ),
            (
                "Він додав, що страхові компанії поступово знижують ставки для суден, які прямують до українських портів.",
                "He added that insurance companies are gradually lowering rates for ships bound for Ukrainian ports.",
            ),
            (
                "Це робить перевезення дешевшим і дає змогу фермерам отримувати кращу ціну за врожай.",
                "This makes shipping cheaper and allows farmers to get a better price for their harvest.",
            ),
            (
                "Водночас аналітик застеріг, що ситуація залишається нестабільною і залежить від інтенсивності обстрілів.",
                "At the same time, the analyst warned that the situation remains unstable and depends on the intensity of the shelling.",
            ),
        ],
        [
            ("Порти й надалі зазнають ударів.", "The ports continue to come under attack."),
            (
                "Лише за квітень окупанти кілька разів атакували портову інфраструктуру Одеси та Ізмаїла дронами й ракетами.",
                "In April alone, the occupiers attacked the port infrastructure of Odesa and Izmail with drones and missiles several times.",
            ),
            (
                "Було пошкоджено зерносховища, склади та адміністративні будівлі.",
                "Grain storage facilities, warehouses and administrative buildings were damaged.",
            ),
            (
                "Попри це, робота терміналів зупинялася щонайбільше на кілька годин.",
                "Despite this, the terminals stopped working for a few hours at most.",
            ),
        ],
        [
            (
                "Фермери з центральних і південних областей кажуть, що стабільний експорт уперше за довгий час дав їм змогу планувати наступну посівну.",
                "Farmers from the central and southern regions say that stable exports have allowed them to plan the next sowing season for the first time in a long while.",
            ),
            (
                "Раніше через проблеми з логістикою значна частина врожаю залишалася на складах, а ціни на внутрішньому ринку падали.",
                "Previously, because of logistics problems, a large part of the harvest remained in warehouses and prices on the domestic market fell.",
            ),
            (
                "Тепер, за оцінками асоціації, закупівельні ціни на пшеницю зросли приблизно на 15 відсотків порівняно з початком року.",
                "Now, according to the association’s estimates, purchase prices for wheat have risen by about 15 percent compared to the beginning of the year.",
            ),
        ],
        [
            (
                "Найбільше зростання показав порт Чорноморськ, через який у квітні пройшло майже 1,5 мільйона тонн вантажів.",
                "The largest growth was shown by the port of Chornomorsk, through which almost 1.5 million tonnes of cargo passed in April.",
            ),
            (
                "Там запрацював новий зерновий термінал, збудований за кошти приватного інвестора.",
                "A new grain terminal built with a private investor’s money started operating there.",
            ),
            (
                "Термінал може одночасно завантажувати два судна і зберігати до 120 тисяч тонн зерна.",
                "The terminal can load two ships at the same time and store up to 120,000 tonnes of grain.",
            ),
        ],
        [
            (
                "Дунайські порти Ізмаїл і Рені, які у 2022 році стали головним маршрутом експорту, тепер працюють менш завантажено.",
                "The Danube ports of Izmail and Reni, which became the main export route in 2022, now work with less load.",
            ),
            (
                "Частина трейдерів повернулася до глибоководних портів, де фрахт обходиться дешевше.",
                "Some traders have returned to the deep-water ports, where freight is cheaper.",
            ),
            (
                "Проте місцева влада наголошує, що дунайський маршрут залишається важливим резервом на випадок загострення ситуації в морі.",
                "However, the local authorities stress that the Danube route remains an important reserve in case the situation at sea escalates.",
            ),
        ],
        [
            (
                "Залізниця також збільшила кількість вагонів, які щодня прибувають до портів.",
                "The railway has also increased the number of wagons arriving at the ports every day.",
            ),
            (
                "За даними перевізника, у квітні до морських терміналів щодоби надходило в середньому понад 2 тисячі вагонів із зерном.",
                "According to the carrier, in April an average of more than 2,000 grain wagons arrived at the sea terminals every day.",
            ),
            (
                "Черги на кордоні з Польщею тим часом помітно скоротилися, бо більша частина вантажів іде морем.",
                "Meanwhile, queues at the border with Poland have noticeably shortened because most of the cargo goes by sea.",
            ),
        ],
        [
            ("Окрема проблема – заміновані поля.", "A separate problem is mined fields."),
            (
                "За даними Міністерства аграрної політики, понад 400 тисяч гектарів сільськогосподарських угідь досі потребують розмінування.",
                "According to the Ministry of Agrarian Policy, more than 400,000 hectares of farmland still need demining.",
            ),
            (
                "Фермери, чиї поля розташовані поблизу колишньої лінії фронту, часто не можуть їх обробляти.",
                "Farmers whose fields are located near the former front line often cannot cultivate them.",
            ),
        ],
        [
            (
                "Держава компенсує аграріям частину витрат на розмінування, але черга на роботи сапери розтягується на місяці.",
                "The state compensates farmers for part of the cost of demining, but the queue for sappers’ work stretches for months.",
            ),
            (
                "Тому деякі господарства залучають приватні сертифіковані компанії.",
                "Therefore, some farms hire private certified companies.",
            ),
            (
                "Вартість розмінування одного гектара може сягати кількох тисяч доларів.",
                "The cost of demining one hectare can reach several thousand dollars.",
            ),
        ],
        [
            (
                "У травні асоціація очікує дещо меншого обсягу експорту через завершення сезону кукурудзи.",
                "In May, the association expects a somewhat smaller volume of exports as the corn season ends.",
            ),
            (
                "Водночас новий урожай ранніх зернових почнуть відвантажувати вже в липні.",
                "At the same time, the new harvest of early grains will begin shipping as early as July.",
            ),
            (
                "Експерти прогнозують, що за весь маркетинговий рік Україна може експортувати понад 45 мільйонів тонн зерна.",
                "Experts predict that Ukraine could export more than 45 million tonnes of grain over the entire marketing year.",
            ),
        ],
        [
            (
                "Нагадаємо, до повномасштабного вторгнення Україна щороку експортувала близько 50 мільйонів тонн зернових.",
                "As a reminder, before the full-scale invasion Ukraine exported about 50 million tonnes of grain every year.",
            ),
            (
                "Більшість поставок ішла саме через порти Одещини.",
                "Most of the shipments went through the ports of the Odesa region.",
            ),
        ],
    ],
}

ARTICLES = [ENERGY, VOLUNTEERS, SCHOOL, GRAIN]
