"""ئۇيغۇرچە Uyghur, right to left (partial: a key missing here is shown in zh_CN and logged; see
docs/kiosk.md).

Drafted by the kiosk team from the zh_CN table, for review by the hall's Uyghur-language staff;
a hall corrects a string by editing it here (the placeholders in braces must stay as they are).
"""

TABLE: dict[str, str] = {
    # chrome
    "app.title": "ھۆكۈمەت مۇلازىمىتى ئۆزى مۇلازىمەت ئۈسكۈنىسى",
    "lang.zh": "中文",
    "lang.en": "English",
    "lang.bo": "བོད་ཡིག",
    "lang.ug": "ئۇيغۇرچە",
    "elderly.on": "ياشانغانلار ھالىتى",
    "clock.date": "{iso} {weekday}",
    "weekday.0": "دۈشەنبە", "weekday.1": "سەيشەنبە", "weekday.2": "چارشەنبە", "weekday.3": "پەيشەنبە",
    "weekday.4": "جۈمە", "weekday.5": "شەنبە", "weekday.6": "يەكشەنبە",
    # home
    "home.welcome": "خوش كەلدىڭىز، مۇلازىمەت تۈرىنى تاللاڭ",
    "home.tile.take_number": "نومۇر ئېلىش",
    "home.tile.take_number.sub": "مۇلازىمەت تۈرىنى تاللاپ نومۇر بېسىش",
    "home.tile.checkin": "تىزىملىتىش",
    "home.tile.checkin.sub": "توردا ئالدىن ئالغان بولسىڭىز، كودنى سكانىرلاڭ ياكى كىنىشكىنى تەككۈزۈڭ",
    "home.tile.submit": "ئۆزى ئىلتىماس قىلىش",
    "home.tile.submit.sub": "ئىشنى تېپىش، جەدۋەل تولدۇرۇش، ماتېرىيالنى سۈرەتكە تارتىش، يوللاش",
    "home.tile.query": "ئىش سۈرۈشتۈرۈش",
    "home.tile.query.sub": "ئىلتىماسنىڭ بېجىرىلىش جەريانىنى كۆرۈش",
    "home.tile.rate": "باھا بېرىش",
    "home.tile.rate.sub": "بۇ قېتىملىق مۇلازىمەتكە باھا بېرىڭ",
    "home.tile.fallback": "ئىش پۈتمىدى",
    "home.tile.fallback.sub": "مەسىلىنى ئىنكاس قىلىڭ، مەخسۇس خادىم ياردەم بېرىدۇ",
    "home.tile.help": "ياردەم سوراش",
    "home.tile.help.sub": "خىزمەتچى خادىم دەرھال كېلىدۇ",
    "home.queue.title": "ھازىرقى نۆۋەت",
    "home.queue.item": "{code} {name}  {count} كىشى ساقلاۋاتىدۇ",
    "home.queue.loading": "نۆۋەت ئۇچۇرى ئېلىنىۋاتىدۇ…",
    "home.queue.unavailable": "نۆۋەت ئۇچۇرى ۋاقتىنچە يوق",
    "home.footer": "ئېكراننى تەككۈزۈپ مۇلازىمەت تاللاڭ  ·  ياردەم كېرەك بولسا «ياردەم سوراش» نى بېسىڭ",
    "attract.line1": "{hall} غا خوش كەلدىڭىز",
    "attract.line2": "باشلاش ئۈچۈن ئېكراننى تەككۈزۈڭ",
    # shared buttons and states
    "action.home": "باش بەتكە قايتىش",
    "action.back": "ئالدىنقى قەدەمگە قايتىش",
    "action.next": "كېيىنكى قەدەم",
    "action.done": "تامام",
    "action.help": "ياردەم سوراش",
    "action.continue": "داۋاملاشتۇرۇش",
    "action.keypad_cancel": "بىكار قىلىش",
    "action.keypad_submit": "جەزملەش",
    "action.keypad_delete": "ئۆچۈرۈش",
    "action.keypad_clear": "تازىلاش",
    "idle.title": "سىز يەنىلا بارمۇ؟",
    "idle.message": "{seconds} سېكۇنتتىن كېيىن باش بەتكە قايتىپ، بارلىق ئۇچۇرلىرىڭىز ئۆچۈرۈلىدۇ",
    "busy.default": "سەل ساقلاڭ…",
    "busy.ticket": "سىزگە نومۇر ئېلىنىۋاتىدۇ…",
    "busy.printing": "بېسىۋاتىدۇ، سەل ساقلاڭ…",
    # take a number
    "categories.title": "مۇلازىمەت تۈرىنى تاللاڭ",
    "categories.prompt": "بېجىرمەكچى بولغان مۇلازىمەت تۈرىنى تاللاڭ",
    "categories.waiting": "{count} كىشى ساقلاۋاتىدۇ · تەخمىنەن {minutes} مىنۇت",
    "categories.full": "بۈگۈن توشتى",
    "ticket.title": "نۆۋەت نومۇرىڭىز",
    "ticket.category": "مۇلازىمەت تۈرى: {name}",
    "ticket.ahead": "ئالدىڭىزدا {count} كىشى بار",
    "ticket.wait": "تەخمىنەن {minutes} مىنۇت ساقلايسىز",
    "ticket.queue": "ئالدىڭىزدا {count} كىشى بار · تەخمىنەن {minutes} مىنۇت ساقلايسىز",
    "ticket.follow": "يانفون بىلەن سكانىرلاپ نۆۋەتنى كۆرۈڭ",
    "ticket.printed": "نومۇر بېسىلدى، چىقىش ئېغىزىدىن ئېلىڭ",
    # catalogue
    "catalogue.title": "بېجىرمەكچى بولغان ئىشنى تاللاڭ",
    "catalogue.empty": "تېپىلمىدى، باشقا ئاچقۇچلۇق سۆز سىناپ بېقىڭ",
}
