# ruff: noqa: RUF001 - names in Cyrillic and Greek script are meant to look like Latin letters
"""Made-up students for the demo's history: plausible names in many scripts, countries, services and ranks.

Nobody here exists. Names are common given and family names put together at
random, each in the script of its country and in Latin script (without
accents, as in a passport's machine-readable zone). Countries have weights, so
that a report by country shows a few large delegations and many small ones.

Each name entry is ``latin = native`` (``native`` alone when the name is
already in Latin script: its Latin form drops the accents), and a family name
that changes with gender is ``masculine / feminine``.
"""

import random
from dataclasses import dataclass

from anyascii import anyascii


@dataclass(frozen=True)
class Culture:
    given_m: tuple[str, ...]
    given_f: tuple[str, ...]
    family: tuple[str, ...]
    # "gf": given then family, spaced; "fg": family first, spaced; "fg0": family first, no space (CJK).
    order: str = "gf"

    @property
    def latin_script(self) -> bool:
        return all("=" not in entry for entry in self.family)


def _names(text: str) -> tuple[str, ...]:
    return tuple(entry.strip() for entry in text.split(",") if entry.strip())


CULTURES = {
    "arabic": Culture(
        _names(
            "Ahmad = أحمد, Mohammed = محمد, Omar = عمر, Khalid = خالد, Youssef = يوسف, Hassan = حسن, "
            "Ali = علي, Karim = كريم, Tariq = طارق, Samir = سمير, Ibrahim = إبراهيم, Faisal = فيصل"
        ),
        _names(
            "Layla = ليلى, Fatima = فاطمة, Nour = نور, Mariam = مريم, Rania = رانيا, Salma = سلمى, "
            "Huda = هدى, Amal = أمل"
        ),
        _names(
            "Haddad = حداد, Khoury = خوري, Mansour = منصور, Nasser = ناصر, Saleh = صالح, "
            "Hamdan = حمدان, Qasim = قاسم, Aziz = عزيز, Darwish = درويش, Farouk = فاروق, "
            "Abdelrahman = عبد الرحمن, Suleiman = سليمان, Jaber = جابر"
        ),
    ),
    "maghreb": Culture(
        _names(
            "Mohamed = محمد, Youssef = يوسف, Mehdi = مهدي, Hamza = حمزة, Anas = أنس, Rachid = رشيد, "
            "Karim = كريم, Amine = أمين"
        ),
        _names(
            "Fatima Zahra = فاطمة الزهراء, Salma = سلمى, Imane = إيمان, Khadija = خديجة, Sara = سارة, Meriem = مريم"
        ),
        _names(
            "Benali = بن علي, El Amrani = العمراني, Bennani = بناني, Alaoui = العلوي, "
            "Trabelsi = الطرابلسي, Ben Salah = بن صالح, Haddad = حداد, Mansouri = المنصوري, "
            "Gharbi = الغربي"
        ),
    ),
    "ukrainian": Culture(
        _names(
            "Oleksandr = Олександр, Andrii = Андрій, Dmytro = Дмитро, Serhii = Сергій, "
            "Mykola = Микола, Taras = Тарас, Bohdan = Богдан, Yurii = Юрій"
        ),
        _names("Iryna = Ірина, Olena = Олена, Nataliia = Наталія, Yuliia = Юлія, Kateryna = Катерина, Oksana = Оксана"),
        _names(
            "Shevchenko = Шевченко, Bondarenko = Бондаренко, Melnyk = Мельник, Tkachenko = Ткаченко, "
            "Kravchenko = Кравченко, Boiko = Бойко, Lysenko = Лисенко, Marchenko = Марченко, "
            "Rudenko = Руденко, Savchuk = Савчук, Koval = Коваль, Polishchuk = Поліщук"
        ),
    ),
    "kazakh": Culture(
        _names("Yerlan = Ерлан, Daniyar = Данияр, Arman = Арман, Timur = Тимур, Aidos = Айдос, Nurlan = Нурлан"),
        _names("Asel = Асель, Aigerim = Айгерим, Dana = Дана, Madina = Мадина, Zhanna = Жанна"),
        _names(
            "Abenov = Абенов / Abenova = Абенова, Omarov = Омаров / Omarova = Омарова, "
            "Zhaksybekov = Жаксыбеков / Zhaksybekova = Жаксыбекова, "
            "Seitkaliev = Сейткалиев / Seitkalieva = Сейткалиева, "
            "Iskakov = Искаков / Iskakova = Искакова, "
            "Tulegenov = Тулегенов / Tulegenova = Тулегенова"
        ),
    ),
    "bulgarian": Culture(
        _names("Georgi = Георги, Ivan = Иван, Dimitar = Димитър, Nikolay = Николай, Stoyan = Стоян, Petar = Петър"),
        _names("Maria = Мария, Elena = Елена, Desislava = Десислава, Radka = Радка, Tsvetelina = Цветелина"),
        _names(
            "Petrov = Петров / Petrova = Петрова, Ivanov = Иванов / Ivanova = Иванова, "
            "Georgiev = Георгиев / Georgieva = Георгиева, "
            "Dimitrov = Димитров / Dimitrova = Димитрова, Stoyanov = Стоянов / Stoyanova = Стоянова, "
            "Todorov = Тодоров / Todorova = Тодорова"
        ),
    ),
    "serbian": Culture(
        _names(
            "Marko = Марко, Nikola = Никола, Stefan = Стефан, Milan = Милан, Dragan = Драган, Aleksandar = Александар"
        ),
        _names("Jelena = Јелена, Ana = Ана, Milica = Милица, Ivana = Ивана, Marija = Марија"),
        _names(
            "Petrović = Петровић, Jovanović = Јовановић, Nikolić = Николић, Marković = Марковић, "
            "Đorđević = Ђорђевић, Stojanović = Стојановић, Ilić = Илић, Pavlović = Павловић"
        ),
    ),
    "mongolian": Culture(
        _names("Batbold = Батболд, Ganbaatar = Ганбаатар, Bat-Erdene = Бат-Эрдэнэ, Temuulen = Тэмүүлэн, Munkh = Мөнх"),
        _names("Enkhjargal = Энхжаргал, Narantuya = Нарантуяа, Solongo = Солонго, Oyun = Оюун"),
        _names(
            "Dorj = Дорж, Gantulga = Гантулга, Purev = Пүрэв, Enkhbayar = Энхбаяр, "
            "Sukhbaatar = Сүхбаатар, Batsaikhan = Батсайхан"
        ),
    ),
    "greek": Culture(
        _names(
            "Georgios = Γεώργιος, Dimitrios = Δημήτριος, Nikolaos = Νικόλαος, "
            "Konstantinos = Κωνσταντίνος, Ioannis = Ιωάννης"
        ),
        _names("Maria = Μαρία, Eleni = Ελένη, Katerina = Κατερίνα, Sofia = Σοφία, Vasiliki = Βασιλική"),
        _names(
            "Papadopoulos = Παπαδόπουλος / Papadopoulou = Παπαδοπούλου, Georgiou = Γεωργίου, "
            "Nikolaidis = Νικολαΐδης / Nikolaidou = Νικολαΐδου, Pappas = Παππάς / Pappa = Παππά, "
            "Vlachos = Βλάχος / Vlachou = Βλάχου"
        ),
    ),
    "hebrew": Culture(
        _names("Yosef = יוסף, David = דוד, Noam = נועם, Itai = איתי, Amit = עמית, Eitan = איתן"),
        _names("Noa = נועה, Tamar = תמר, Maya = מאיה, Shira = שירה, Yael = יעל"),
        _names(
            "Cohen = כהן, Levi = לוי, Mizrahi = מזרחי, Peretz = פרץ, Biton = ביטון, Friedman = פרידמן, Avraham = אברהם"
        ),
    ),
    "thai": Culture(
        _names("Somchai = สมชาย, Anan = อนันต์, Prasert = ประเสริฐ, Wichai = วิชัย, Kittipong = กิตติพงษ์, Thanakorn = ธนากร"),
        _names("Siriporn = ศิริพร, Malee = มาลี, Nattaya = ณัฐยา, Pimchanok = พิมพ์ชนก, Kanya = กัญญา"),
        _names(
            "Wongsakul = วงศ์สกุล, Boonmee = บุญมี, Srisuk = ศรีสุข, Saetang = แซ่ตั้ง, "
            "Srisawat = ศรีสวัสดิ์, Chaiyasit = ชัยสิทธิ์, Thongchai = ทองชัย"
        ),
    ),
    "hindi": Culture(
        _names("Rahul = राहुल, Amit = अमित, Vikram = विक्रम, Arjun = अर्जुन, Sanjay = संजय, Rohit = रोहित"),
        _names("Priya = प्रिया, Anjali = अंजलि, Neha = नेहा, Kavita = कविता, Pooja = पूजा"),
        _names(
            "Sharma = शर्मा, Singh = सिंह, Verma = वर्मा, Gupta = गुप्ता, Yadav = यादव, Chauhan = चौहान, Rathore = राठौर"
        ),
    ),
    "nepali": Culture(
        _names("Bikash = बिकास, Ramesh = रमेश, Suresh = सुरेश, Prakash = प्रकाश, Dipendra = दिपेन्द्र"),
        _names("Sita = सीता, Anita = अनिता, Sarita = सरिता, Sunita = सुनिता"),
        _names("Shrestha = श्रेष्ठ, Gurung = गुरुङ, Thapa = थापा, Tamang = तामाङ, Rai = राई, Magar = मगर, Karki = कार्की"),
    ),
    "korean": Culture(
        _names("Min-jun = 민준, Ji-hoon = 지훈, Seo-jun = 서준, Hyun-woo = 현우, Dong-hyun = 동현, Sung-min = 성민"),
        _names("Ji-woo = 지우, Seo-yeon = 서연, Su-a = 수아, Ha-eun = 하은, Min-seo = 민서"),
        _names("Kim = 김, Lee = 이, Park = 박, Choi = 최, Jung = 정, Kang = 강, Cho = 조, Yoon = 윤"),
        order="fg0",
    ),
    "japanese": Culture(
        _names("Takeshi = 武, Hiroshi = 浩, Kenji = 健二, Daisuke = 大輔, Shota = 翔太, Ryo = 亮"),
        _names("Yui = 結衣, Aoi = 葵, Haruka = 遥, Yoko = 洋子, Misaki = 美咲"),
        _names(
            "Sato = 佐藤, Suzuki = 鈴木, Takahashi = 高橋, Tanaka = 田中, Watanabe = 渡辺, Ito = 伊藤, Yamamoto = 山本"
        ),
        order="fg0",
    ),
    "chinese": Culture(
        _names("Wei Ming = 伟明, Jun Jie = 俊杰, Zhi Hao = 志豪, Kai Wen = 凯文, Jian Hong = 建宏"),
        _names("Hui Min = 慧敏, Xin Yi = 欣怡, Li Ting = 丽婷, Mei Ling = 美玲"),
        _names("Tan = 陈, Lim = 林, Lee = 李, Goh = 吴, Chua = 蔡, Ong = 王"),
        order="fg0",
    ),
    "vietnamese": Culture(
        _names("Văn An, Văn Hùng, Đức Minh, Quang Huy, Minh Tuấn, Hoàng Nam"),
        _names("Thị Lan, Thị Hương, Ngọc Anh, Thu Trang, Thanh Hà"),
        _names("Nguyễn, Trần, Lê, Phạm, Hoàng, Vũ, Đặng, Bùi"),
        order="fg",
    ),
    "hispanic": Culture(
        _names("José, Juan Carlos, Luis, Andrés, Jorge, Diego, Alejandro, Sebastián, Ricardo, Fernando"),
        _names("María, Ana, Camila, Valentina, Sofía, Daniela, Paola, Lucía"),
        _names(
            "García, Rodríguez, Martínez, López, González, Pérez, Sánchez, Ramírez, Torres, Flores, "
            "Rojas, Vargas, Castillo, Muñoz"
        ),
    ),
    "lusophone": Culture(
        _names("João, Pedro, Carlos, Luís, Tiago, Rafael, António, Edson"),
        _names("Ana, Maria, Fernanda, Beatriz, Inês, Luísa, Graça"),
        _names(
            "Silva, Santos, Oliveira, Pereira, Costa, Ferreira, Rodrigues, Almeida, Macuácua, "
            "Nhantumbo, Tembe, Domingos"
        ),
    ),
    "francophone_africa": Culture(
        _names("Moussa, Cheikh, Ibrahima, Kouassi, Jean-Baptiste, Serge, Koffi, Mamadou, Abdoulaye"),
        _names("Awa, Fatou, Aminata, Aya, Mariam, Adjoa, Clarisse"),
        _names(
            "Ndiaye, Diop, Sow, Fall, Konan, Kouamé, N'Guessan, Mbarga, Traoré, Coulibaly, "
            "Houngbédji, Diallo, Ouédraogo"
        ),
    ),
    "west_africa": Culture(
        _names("Kwame, Kofi, Yaw, Chinedu, Emeka, Tunde, Samuel, Ibrahim"),
        _names("Ama, Abena, Akosua, Ngozi, Funmilayo, Grace"),
        _names("Mensah, Owusu, Boateng, Asante, Okafor, Adeyemi, Eze, Balogun, Nwosu, Bello"),
    ),
    "east_africa": Culture(
        _names("Otieno, Brian, Joseph, Moses, Kipchoge, Daniel, Emmanuel"),
        _names("Wanjiru, Amina, Esther, Florence, Achieng"),
        _names("Mwangi, Kamau, Odhiambo, Ochieng, Okello, Mugisha, Kiprono, Ssempala"),
    ),
    "romanian": Culture(
        _names("Andrei, Mihai, Ion, Alexandru, Bogdan, Ștefan, Radu"),
        _names("Elena, Ioana, Cristina, Andreea, Mihaela"),
        _names("Popescu, Ionescu, Popa, Dumitrescu, Stan, Gheorghiu, Constantin, Rădulescu"),
    ),
    "polish": Culture(
        _names("Piotr, Tomasz, Krzysztof, Paweł, Michał, Łukasz"),
        _names("Anna, Katarzyna, Magdalena, Agnieszka, Joanna"),
        _names(
            "Kowalski / Kowalska, Nowak, Wiśniewski / Wiśniewska, Wójcik, Kamiński / Kamińska, "
            "Lewandowski / Lewandowska, Zieliński / Zielińska, Mazur"
        ),
    ),
    "estonian": Culture(
        _names("Andres, Kristjan, Mart, Tiit, Rasmus, Jaan"),
        _names("Liis, Kadri, Maarja, Triin, Kertu"),
        _names("Tamm, Saar, Sepp, Mägi, Kask, Kukk, Rebane, Ilves"),
    ),
    "croatian": Culture(
        _names("Ivan, Luka, Marko, Josip, Tomislav, Ante"),
        _names("Ana, Petra, Ivana, Marija, Lucija"),
        _names("Horvat, Kovačević, Babić, Marić, Jurić, Novak, Knežević, Vuković"),
    ),
    "albanian": Culture(
        _names("Arben, Besnik, Erion, Dritan, Gentian, Ilir"),
        _names("Elira, Jonida, Blerina, Anila, Mirela"),
        _names("Hoxha, Shehu, Dervishi, Kola, Leka, Gjoka, Basha, Çela"),
    ),
    "indonesian": Culture(
        _names("Budi, Agus, Rizky, Hendra, Wahyu, Dimas, Arief"),
        _names("Dewi, Siti, Putri, Ratna, Indah"),
        _names("Santoso, Wijaya, Pratama, Saputra, Hidayat, Kusuma, Nugroho, Setiawan"),
    ),
    "filipino": Culture(
        _names("Jose, Mark, John Paul, Ramon, Jerome, Rodel"),
        _names("Maria, Kristine, Angelica, Rowena, Jocelyn"),
        _names("Santos, Reyes, Cruz, Bautista, Garcia, Mendoza, Dela Cruz, Villanueva"),
    ),
    "malay": Culture(
        _names("Ahmad, Muhammad Faiz, Hafiz, Amirul, Aiman, Syafiq"),
        _names("Nurul Ain, Siti Aishah, Farah, Nur Izzati"),
        _names("Ismail, Abdullah, Hassan, Yusof, Rahman, Othman, Ibrahim"),
    ),
}

# ISO 3166 code: (naming culture, preferred language, weight, mostly nationally funded).
COUNTRIES = {
    "JO": ("arabic", "ar", 9, False),
    "EG": ("arabic", "ar", 7, False),
    "IQ": ("arabic", "ar", 6, False),
    "LB": ("arabic", "ar", 4, False),
    "OM": ("arabic", "ar", 3, True),
    "MA": ("maghreb", "fr", 6, False),
    "TN": ("maghreb", "fr", 5, False),
    "UA": ("ukrainian", "en", 10, False),
    "KZ": ("kazakh", "ru", 5, False),
    "BG": ("bulgarian", "en", 3, True),
    "RS": ("serbian", "en", 3, False),
    "MN": ("mongolian", "en", 4, False),
    "GR": ("greek", "en", 2, True),
    "IL": ("hebrew", "en", 2, True),
    "TH": ("thai", "en", 6, False),
    "IN": ("hindi", "en", 5, True),
    "NP": ("nepali", "en", 3, False),
    "KR": ("korean", "en", 4, True),
    "JP": ("japanese", "en", 2, True),
    "SG": ("chinese", "en", 2, True),
    "VN": ("vietnamese", "en", 4, False),
    "CO": ("hispanic", "es", 8, False),
    "PE": ("hispanic", "es", 5, False),
    "CL": ("hispanic", "es", 3, True),
    "GT": ("hispanic", "es", 3, False),
    "DO": ("hispanic", "es", 2, False),
    "BR": ("lusophone", "pt", 4, True),
    "MZ": ("lusophone", "pt", 4, False),
    "AO": ("lusophone", "pt", 2, False),
    "SN": ("francophone_africa", "fr", 5, False),
    "CI": ("francophone_africa", "fr", 4, False),
    "CM": ("francophone_africa", "fr", 3, False),
    "BJ": ("francophone_africa", "fr", 2, False),
    "GH": ("west_africa", "en", 7, False),
    "KE": ("east_africa", "en", 6, False),
    "NG": ("west_africa", "en", 5, False),
    "UG": ("east_africa", "en", 3, False),
    "RO": ("romanian", "en", 4, True),
    "PL": ("polish", "en", 3, True),
    "EE": ("estonian", "en", 2, True),
    "HR": ("croatian", "en", 2, True),
    "AL": ("albanian", "en", 3, False),
    "ID": ("indonesian", "en", 5, False),
    "PH": ("filipino", "en", 6, False),
    "MY": ("malay", "en", 3, True),
}

# Service: (weight, ranks from junior to senior, organisation).
SERVICES = {
    "Army": (34, ("Captain", "Major", "Lieutenant Colonel", "Colonel"), "Army General Staff"),
    "Navy": (14, ("Lieutenant", "Lieutenant Commander", "Commander", "Captain"), "Naval Staff"),
    "Air Force": (14, ("Captain", "Major", "Lieutenant Colonel", "Colonel"), "Air Staff"),
    "Marine Corps": (6, ("Captain", "Major", "Lieutenant Colonel"), "Marine Corps Headquarters"),
    "Gendarmerie": (10, ("Captain", "Major", "Lieutenant Colonel"), "Gendarmerie Headquarters"),
    "Ministry of Defence": (22, ("Civilian", "Civilian", "Senior Civilian"), "Ministry of Defence"),
}
RANK_WEIGHTS = (3, 4, 3, 1)  # mostly mid-career: majors and their equivalents


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str
    name_native: str
    country: str
    language: str
    service: str
    rank: str
    organisation: str
    program: str
    # For the certificate: the name in the holder's own script, and in Latin script (accents kept).
    holder_name: str
    holder_name_latin: str


def _split(entry: str) -> tuple[str, str]:
    """``latin = native`` → (latin, native); a Latin-script name → (without accents, as written)."""
    if "=" in entry:
        latin, native = entry.split("=", 1)
        return latin.strip(), native.strip()
    return anyascii(entry.strip()), entry.strip()


def _family(entry: str, feminine: bool) -> str:
    forms = entry.split("/")
    return (forms[1] if feminine and len(forms) > 1 else forms[0]).strip()


def person_make(rng: random.Random, number: int, *, domain: str, programs: tuple[str, str, str]) -> Person:
    """One made-up student; ``number`` keeps the email unique.

    ``programs``: the codes of the sponsoring programs, most common first
    (international education, a partnership fund, national funding).
    """
    codes = list(COUNTRIES)
    country = rng.choices(codes, weights=[COUNTRIES[code][2] for code in codes])[0]
    culture_name, language, _weight, national = COUNTRIES[country]
    culture = CULTURES[culture_name]
    feminine = rng.random() < 0.22
    given_latin, given_native = _split(rng.choice(culture.given_f if feminine else culture.given_m))
    family_latin, family_native = _split(_family(rng.choice(culture.family), feminine))
    if culture.order == "fg0":
        native = f"{family_native}{given_native}"
    elif culture.order == "fg":
        native = f"{family_native} {given_native}"
    else:
        native = f"{given_native} {family_native}"
    latin = f"{given_latin} {family_latin}"
    if culture.latin_script:
        # Written in Latin script already: the native form is the accented one (or the family name
        # first), kept only when it differs; the certificate prints it with its accents.
        holder_latin = native
        name_native = native if native != latin else ""
    else:
        holder_latin = f"{family_latin} {given_latin}" if culture.order.startswith("fg") else latin
        name_native = native
    service = rng.choices(list(SERVICES), weights=[spec[0] for spec in SERVICES.values()])[0]
    _weight, ranks, organisation = SERVICES[service]
    rank = rng.choices(ranks, weights=RANK_WEIGHTS[: len(ranks)])[0]
    program = programs[2] if national and rng.random() < 0.7 else rng.choices(programs, weights=(55, 30, 15))[0]
    local = anyascii(f"{given_latin}.{family_latin}").lower()
    local = "".join(ch if ch.isalnum() or ch == "." else "-" for ch in local).strip(".-")
    return Person(
        email=f"{local}.{number:04d}@{domain}",
        first_name=given_latin,
        last_name=family_latin,
        name_native=name_native,
        country=country,
        language=language,
        service=service,
        rank=rank,
        organisation=organisation,
        program=program,
        holder_name=name_native or latin,
        holder_name_latin=holder_latin,
    )
