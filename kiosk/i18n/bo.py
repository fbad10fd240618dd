"""བོད་ཡིག Tibetan (partial: a key missing here is shown in zh_CN and logged; see docs/kiosk.md).

Drafted by the kiosk team from the zh_CN table, for review by the hall's Tibetan-language staff;
a hall corrects a string by editing it here (the placeholders in braces must stay as they are).
"""
# ruff: noqa: E501  (translation strings read better unbroken)

TABLE: dict[str, str] = {
    # chrome
    "app.title": "གཞུང་ལས་ཞབས་ཞུ་རང་སྤྱོད་འཕྲུལ་ཆས།",
    "lang.zh": "中文",
    "lang.en": "English",
    "lang.bo": "བོད་ཡིག",
    "lang.ug": "ئۇيغۇرچە",
    "elderly.on": "རྒན་པའི་རྣམ་པ།",
    "clock.date": "{iso} {weekday}",
    "weekday.0": "གཟའ་ཟླ་བ།", "weekday.1": "གཟའ་མིག་དམར།", "weekday.2": "གཟའ་ལྷག་པ།", "weekday.3": "གཟའ་ཕུར་བུ།",
    "weekday.4": "གཟའ་པ་སངས།", "weekday.5": "གཟའ་སྤེན་པ།", "weekday.6": "གཟའ་ཉི་མ།",
    # home
    "home.welcome": "ཕེབས་པར་དགའ་བསུ་ཞུ། ཞབས་ཞུའི་རིགས་གདམ་རོགས།",
    "home.tile.take_number": "ཨང་གྲངས་ལེན།",
    "home.tile.take_number.sub": "ལས་དོན་གྱི་རིགས་གདམ་ནས་ཨང་བྱང་པར་སྐྲུན།",
    "home.tile.checkin": "སྔོན་འགོད་ཐོ་འགོད།",
    "home.tile.checkin.sub": "དྲ་ཐོག་སྔོན་འགོད་བྱས་ཡོད་ན། ཨང་རྟགས་བཤེར་རམ་ལག་ཁྱེར་རེག",
    "home.tile.submit": "རང་ཉིད་ཀྱིས་ཞུ་འབུལ།",
    "home.tile.submit.sub": "ལས་དོན་འཚོལ། རེའུ་མིག་འགེང་། ཡིག་ཆ་པར་ལེན། ཞུ་འབུལ།",
    "home.tile.query": "ལས་དོན་འཚོལ་ཞིབ།",
    "home.tile.query.sub": "ཞུ་འབུལ་གྱི་འཕེལ་རིམ་ལྟ།",
    "home.tile.rate": "བསམ་འཆར་འབུལ།",
    "home.tile.rate.sub": "ཞབས་ཞུ་འདིར་དཔྱད་བརྗོད་གནང་།",
    "home.tile.fallback": "ལས་དོན་མ་གྲུབ།",
    "home.tile.fallback.sub": "དཀའ་ངལ་ཞུ། ལས་བྱེད་པས་རོགས་རམ་བྱེད།",
    "home.tile.help": "རོགས་རམ་ཞུ།",
    "home.tile.help.sub": "ལས་བྱེད་པ་མྱུར་དུ་ཡོང་།",
    "home.queue.title": "ད་ལྟའི་གྲལ་རིམ།",
    "home.queue.item": "{code} {name}  སྒུག་མཁན་ {count}",
    "home.queue.loading": "གྲལ་རིམ་གྱི་ཆ་འཕྲིན་ལེན་བཞིན་པ…",
    "home.queue.unavailable": "གྲལ་རིམ་གྱི་ཆ་འཕྲིན་གནས་སྐབས་མེད།",
    "home.footer": "ལས་དོན་གདམ་པར་བརྙན་ཡོལ་ལ་རེག  ·  རོགས་རམ་དགོས་ན་ «རོགས་རམ་ཞུ།» མནན།",
    "attract.line1": "{hall} ལ་ཕེབས་པར་དགའ་བསུ་ཞུ།",
    "attract.line2": "འགོ་འཛུགས་པར་བརྙན་ཡོལ་ལ་རེག",
    # shared buttons and states
    "action.home": "མ་ཤོག་ལ་ལོག",
    "action.back": "གོང་གི་གོམ་པར་ལོག",
    "action.next": "གོམ་པ་རྗེས་མ།",
    "action.done": "ལེགས་གྲུབ།",
    "action.help": "རོགས་རམ་ཞུ།",
    "action.continue": "མུ་མཐུད་དུ་སྒྲུབ།",
    "action.keypad_cancel": "རྩིས་མེད།",
    "action.keypad_submit": "གཏན་འཁེལ།",
    "action.keypad_delete": "བསུབ།",
    "action.keypad_clear": "ཡོངས་བསུབ།",
    "idle.title": "ཁྱེད་རང་ད་དུང་འདིར་ཡོད་དམ།",
    "idle.message": "སྐར་ཆ་ {seconds} རྗེས་སུ་མ་ཤོག་ལ་ལོག་ནས་ཁྱེད་ཀྱི་ཆ་འཕྲིན་ཡོངས་རྫོགས་བསུབ་ངེས།",
    "busy.default": "ཅུང་ཙམ་སྒུག་རོགས།…",
    "busy.ticket": "ཁྱེད་ལ་ཨང་གྲངས་ལེན་བཞིན་པ…",
    "busy.printing": "པར་སྐྲུན་བཞིན་པ། ཅུང་ཙམ་སྒུག་རོགས།…",
    # take a number
    "categories.title": "ལས་དོན་གྱི་རིགས་གདམ་རོགས།",
    "categories.prompt": "སྒྲུབ་དགོས་པའི་ལས་དོན་གྱི་རིགས་གདམ་རོགས།",
    "categories.waiting": "སྒུག་མཁན་ {count} · ཕལ་ཆེར་སྐར་མ་ {minutes}",
    "categories.full": "དེ་རིང་ཁ་གང་།",
    "ticket.title": "ཁྱེད་ཀྱི་གྲལ་རིམ་ཨང་།",
    "ticket.category": "ལས་དོན་རིགས། {name}",
    "ticket.ahead": "མདུན་དུ་མི་ {count} ཡོད།",
    "ticket.wait": "ཕལ་ཆེར་སྐར་མ་ {minutes} སྒུག་དགོས།",
    "ticket.queue": "མདུན་དུ་མི་ {count} ཡོད། · ཕལ་ཆེར་སྐར་མ་ {minutes} སྒུག་དགོས།",
    "ticket.follow": "ཁ་པར་གྱིས་བཤེར་ནས་གྲལ་རིམ་ལྟ།",
    "ticket.printed": "ཨང་བྱང་པར་སྐྲུན་ཟིན། ཕྱིར་འདོན་སྒོ་ནས་ལེན་རོགས།",
    # catalogue
    "catalogue.title": "སྒྲུབ་དགོས་པའི་ལས་དོན་གདམ་རོགས།",
    "catalogue.empty": "རྙེད་མ་སོང་། ཚིག་གཞན་ཞིག་ཚོད་ལྟ་གནང་།",
}
