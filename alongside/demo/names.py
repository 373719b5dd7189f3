"""Synthetic vocabulary for the demo town: names, languages and things people say.

Every name here is a common first or family name, combined at random: the people they make up
are invented. Nothing comes from real records. Texts marked "shared" end up in the shared sphere
(seen by every role that sees the person); texts marked "support" end up in support notes.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Origin:
    """Names and languages of one community in the town, with its share of the population."""

    key: str
    weight: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    languages: tuple[tuple[str, float], ...]
    female_family: dict[str, str] = field(default_factory=dict)


def _polish_feminine(names: tuple[str, ...]) -> dict[str, str]:
    endings = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))
    result = {}
    for name in names:
        for male, female in endings:
            if name.endswith(male):
                result[name] = name[: -len(male)] + female
                break
    return result


_POLISH_FAMILY = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Mazur", "Krawczyk", "Piotrowski",
    "Grabowski", "Pawlak",
)  # fmt: skip

ORIGINS: tuple[Origin, ...] = (
    Origin(
        "british", 48,
        female=(
            "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily", "Chloe", "Ellie",
            "Jessica", "Hannah", "Lucy", "Megan", "Rebecca", "Charlotte", "Sarah", "Emma", "Claire",
            "Karen", "Susan", "Julie", "Tracey", "Michelle", "Donna", "Lisa", "Nicola", "Joanne",
            "Margaret", "Patricia", "Jean", "Sheila", "Pauline", "Linda", "Brenda", "Carol", "Janet",
            "Wendy", "Gemma", "Kelly", "Stacey", "Jade", "Kayleigh", "Bethany", "Rhiannon", "Ffion",
            "Eilidh", "Kirsty", "Fiona", "Elizabeth", "Dorothy", "Kathleen",
        ),
        male=(
            "Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Thomas", "Oscar",
            "William", "James", "Daniel", "Ryan", "Liam", "Connor", "Callum", "Lewis", "Jamie", "Craig",
            "Gary", "Darren", "Lee", "Wayne", "Dean", "Paul", "Mark", "Stephen", "David", "Andrew",
            "Peter", "John", "Michael", "Robert", "Brian", "Keith", "Colin", "Derek", "Trevor",
            "Graham", "Barry", "Kevin", "Gareth", "Rhys", "Dylan", "Owen", "Euan", "Fraser",
            "Christopher", "Anthony", "Richard",
        ),
        family=(
            "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
            "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
            "Jackson", "Clarke", "Hughes", "Edwards", "Turner", "Harris", "Lewis", "Hill", "Moore",
            "Cooper", "Ward", "Morris", "Baker", "Parker", "Bennett", "Shaw", "Holmes", "Barnes",
            "Pearson", "Fletcher", "Marsh", "Booth", "Lloyd", "Griffiths", "Pritchard", "MacDonald",
            "Campbell", "Stewart", "Reid", "Henderson", "Ferguson", "Atkinson",
        ),
        languages=(("English", 1.0),),
    ),
    Origin(
        "irish", 4,
        female=("Aoife", "Siobhan", "Niamh", "Ciara", "Roisin", "Orla", "Grainne", "Mairead", "Bridget",
                "Sinead"),
        male=("Sean", "Ciaran", "Padraig", "Declan", "Eoin", "Cormac", "Niall", "Colm", "Fergal",
              "Darragh"),
        family=("Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "O'Sullivan", "Walsh", "McCarthy",
                "Doyle", "Gallagher", "Quinn", "Brennan", "Nolan", "Kavanagh", "Donnelly"),
        languages=(("English", 1.0),),
    ),
    Origin(
        "polish", 7,
        female=("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Ewa", "Anna", "Małgorzata", "Monika",
                "Zofia", "Natalia", "Aleksandra", "Karolina"),
        male=("Piotr", "Tomasz", "Krzysztof", "Paweł", "Marcin", "Łukasz", "Michał", "Jakub",
              "Grzegorz", "Wojciech", "Kamil", "Andrzej"),
        family=_POLISH_FAMILY,
        languages=(("Polish, English", 0.7), ("Polish", 0.3)),
        female_family=_polish_feminine(_POLISH_FAMILY),
    ),
    Origin(
        "romanian", 3,
        female=("Ioana", "Elena", "Andreea", "Mihaela", "Alina", "Cristina", "Raluca", "Daniela"),
        male=("Andrei", "Mihai", "Ionuț", "Florin", "Cătălin", "Bogdan", "Adrian", "Gabriel"),
        family=("Popescu", "Ionescu", "Dumitru", "Stan", "Gheorghe", "Rusu", "Munteanu", "Constantin",
                "Marin", "Stoica"),
        languages=(("Romanian, English", 0.7), ("Romanian", 0.3)),
    ),
    Origin(
        "pakistani", 7,
        female=("Ayesha", "Fatima", "Saima", "Nazia", "Rubina", "Shazia", "Amina", "Hina", "Zainab",
                "Mariam", "Sana", "Bushra"),
        male=("Imran", "Tariq", "Asif", "Zubair", "Bilal", "Usman", "Hamza", "Adeel", "Khalid",
              "Naveed", "Shahid", "Faisal"),
        family=("Khan", "Hussain", "Ahmed", "Ali", "Akhtar", "Iqbal", "Butt", "Malik", "Mahmood",
                "Rashid", "Aslam", "Shah", "Chaudhry", "Raza"),
        languages=(("English, Urdu", 0.5), ("Urdu, Punjabi, English", 0.3), ("Urdu", 0.2)),
    ),
    Origin(
        "indian", 5,
        female=("Priya", "Anjali", "Sunita", "Kiran", "Neha", "Pooja", "Meera", "Harpreet",
                "Jaspreet", "Rupinder", "Lakshmi", "Divya"),
        male=("Rajesh", "Sanjay", "Amit", "Vikram", "Arjun", "Harjit", "Gurpreet", "Manjit", "Ravi",
              "Deepak", "Suresh", "Nikhil"),
        family=("Patel", "Sharma", "Singh", "Gill", "Sandhu", "Mistry", "Chauhan", "Joshi", "Nair",
                "Kumar", "Desai", "Bains", "Dhillon"),
        languages=(("English, Gujarati", 0.35), ("English, Punjabi", 0.35), ("English, Hindi", 0.3)),
        female_family={"Singh": "Kaur"},
    ),
    Origin(
        "bangladeshi", 3,
        female=("Nasreen", "Rokeya", "Shirin", "Taslima", "Farzana", "Sumaiya", "Jahanara"),
        male=("Abdul", "Rahim", "Jamal", "Shafiq", "Mizanur", "Anwar", "Habib"),
        family=("Miah", "Uddin", "Islam", "Rahman", "Hoque", "Chowdhury", "Ahmed"),
        languages=(("Bengali, English", 0.6), ("Sylheti", 0.4)),
        female_family={"Miah": "Begum", "Uddin": "Begum"},
    ),
    Origin(
        "caribbean", 4,
        female=("Marcia", "Beverley", "Sonia", "Janice", "Yvonne", "Cherelle", "Shanice", "Tanisha"),
        male=("Delroy", "Winston", "Errol", "Leroy", "Clive", "Marlon", "Jermaine", "Tyrone"),
        family=("Campbell", "Clarke", "Francis", "Grant", "Samuels", "Morgan", "Bailey", "Reid",
                "Thomas", "Henry", "Forbes", "McKenzie"),
        languages=(("English", 1.0),),
    ),
    Origin(
        "nigerian", 2.5,
        female=("Adaeze", "Chioma", "Ngozi", "Folake", "Funmilayo", "Blessing", "Temitope"),
        male=("Chinedu", "Emeka", "Oluwaseun", "Tunde", "Babajide", "Ifeanyi", "Samuel"),
        family=("Okafor", "Adeyemi", "Okonkwo", "Adebayo", "Nwosu", "Eze", "Ogunleye", "Balogun"),
        languages=(("English, Yoruba", 0.5), ("English, Igbo", 0.5)),
    ),
    Origin(
        "ghanaian", 1.5,
        female=("Abena", "Akosua", "Efua", "Ama", "Adwoa"),
        male=("Kwame", "Kofi", "Yaw", "Kwabena", "Kojo"),
        family=("Mensah", "Boateng", "Asante", "Owusu", "Appiah", "Osei"),
        languages=(("English, Twi", 0.8), ("English", 0.2)),
    ),
    Origin(
        "somali", 2,
        female=("Hodan", "Faadumo", "Sahra", "Ayaan", "Nimco", "Hibaaq", "Khadra"),
        male=("Abdirahman", "Mohamed", "Abdullahi", "Hassan", "Liban", "Mahad", "Yusuf"),
        family=("Warsame", "Farah", "Abdi", "Hirsi", "Jama", "Osman", "Aden", "Ismail"),
        languages=(("Somali, English", 0.6), ("Somali", 0.4)),
    ),
    Origin(
        "eritrean", 1,
        female=("Selam", "Helen", "Senait", "Ruth", "Luwam"),
        male=("Yonas", "Dawit", "Tesfay", "Robel", "Filmon"),
        family=("Tesfamariam", "Haile", "Gebremedhin", "Kidane", "Berhane"),
        languages=(("Tigrinya", 0.6), ("Tigrinya, English", 0.4)),
    ),
    Origin(
        "arabic", 3,
        female=("Rania", "Lina", "Noor", "Hiba", "Yasmin", "Dalia", "Reem", "Maha"),
        male=("Omar", "Ahmad", "Mustafa", "Khaled", "Samer", "Walid", "Karim", "Ibrahim"),
        family=("Al-Hassan", "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Darwish", "Abbas",
                "Hamdan"),
        languages=(("Arabic", 0.5), ("Arabic, English", 0.5)),
    ),
    Origin(
        "turkish_kurdish", 1.5,
        female=("Zeynep", "Elif", "Ayşe", "Rojin", "Berfin"),
        male=("Mehmet", "Emre", "Serkan", "Rojhat", "Baran"),
        family=("Yılmaz", "Demir", "Kaya", "Aydın", "Doğan", "Özdemir"),
        languages=(("Turkish, English", 0.5), ("Kurdish, Turkish", 0.5)),
    ),
    Origin(
        "chinese", 2,
        female=("Mei", "Wing", "Ka Yan", "Hui", "Xiaoling", "Yan"),
        male=("Wei", "Ka Ho", "Jun", "Chi Keung", "Hao", "Ming"),
        family=("Chan", "Wong", "Li", "Cheung", "Lau", "Zhang", "Chen", "Ng", "Lam", "Ho"),
        languages=(("Cantonese, English", 0.6), ("Mandarin, English", 0.4)),
    ),
    Origin(
        "ukrainian", 2,
        female=("Olena", "Oksana", "Iryna", "Nataliia", "Tetiana", "Yuliia", "Viktoriia"),
        male=("Oleksandr", "Andrii", "Dmytro", "Serhii", "Mykola", "Volodymyr", "Taras"),
        family=("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk",
                "Boyko", "Koval", "Marchenko"),
        languages=(("Ukrainian, English", 0.5), ("Ukrainian, Russian", 0.5)),
    ),
    Origin(
        "afghan", 1,
        female=("Zarghona", "Fereshta", "Shabana", "Parwana", "Mursal"),
        male=("Farid", "Najib", "Wahid", "Rahmatullah", "Jawad"),
        family=("Ahmadzai", "Rahimi", "Noori", "Karimi", "Sultani", "Popal"),
        languages=(("Dari", 0.5), ("Pashto, Dari", 0.5)),
    ),
    Origin(
        "portuguese", 2,
        female=("Ana", "Beatriz", "Mariana", "Inês", "Joana", "Carla"),
        male=("João", "Pedro", "Rui", "Tiago", "Bruno", "Nuno"),
        family=("Silva", "Santos", "Ferreira", "Pereira", "Costa", "Rodrigues", "Almeida", "Sousa"),
        languages=(("Portuguese, English", 0.6), ("Portuguese", 0.4)),
    ),
)  # fmt: skip

# What some people like to be called (shared).
NICKNAMES: dict[str, str] = {
    "Margaret": "Maggie", "Patricia": "Trish", "Elizabeth": "Liz", "Kathleen": "Kath",
    "Dorothy": "Dot", "Rebecca": "Becky", "Robert": "Bob", "Michael": "Mick", "Christopher": "Chris",
    "Anthony": "Tony", "Richard": "Rich", "William": "Billy", "Katarzyna": "Kasia",
    "Małgorzata": "Gosia", "Aleksandra": "Ola", "Oleksandr": "Sasha", "Abdirahman": "Abdi",
    "Oluwaseun": "Seun", "Funmilayo": "Funmi", "Mohamed": "Mo", "Nataliia": "Natasha",
    "Volodymyr": "Volodya", "Krzysztof": "Krzys",
}  # fmt: skip

PRONOUNS = {"female": "she/her", "male": "he/him", "neutral": "they/them"}

# Shared sphere.
WHAT_MATTERS = (
    "Keeping the flat warm for the kids", "Getting back to work", "Seeing my grandchildren",
    "Not being on my own all day", "Staying in my own home", "My dog, Bella",
    "Getting my English good enough for a job", "Being a good dad", "Paying off what I owe",
    "My garden and my allotment", "Church on Sundays", "Looking after my mum",
    "Feeling well enough to go out", "Keeping my tenancy", "Cooking proper meals again",
    "Getting my daughter settled at school", "Walking every day", "Music — I used to sing in a choir",
    "Making friends here", "Not having to ask for help forever", "My health, one day at a time",
    "Finishing my college course", "Being near my family", "Fishing with my son",
    "Keeping busy", "Getting my confidence back", "A bit of peace and quiet",
    "Being treated with respect", "Volunteering, giving something back", "My faith",
)  # fmt: skip

ACCESS_NEEDS = (
    "Uses a wheelchair: ground floor rooms please", "Large print letters",
    "Hard of hearing: face them when speaking", "Needs an interpreter", "Prefers mornings",
    "Dyslexic: please read letters through together", "Uses a walking frame, stairs are hard",
    "Gets anxious in busy rooms: a quiet room helps", "Partially sighted: phone rather than letters",
    "Can't read English well: explain forms in person", "Autistic: clear plans and no surprises",
    "Needs breaks in longer meetings",
)  # fmt: skip

OTHERS_PRESENT = (
    "her daughter", "his son", "her partner", "his partner", "a friend", "an interpreter",
    "his support worker from the housing association", "her mum", "the children", "a neighbour",
    "his sister",
)  # fmt: skip

COLD_REASONS = (
    "Left at short notice through illness; we wrote to introduce the new worker.",
    "No reply to calls or letters before the handover date.",
    "In hospital over the handover; the new worker visited afterwards.",
    "Away staying with family and couldn't meet in time.",
    "Preferred not to have a joint meeting; happy with a call from the new worker.",
    "The rota didn't allow a joint visit before the leaving date.",
)

# Shared sphere: what a person said when they asked for a worker. {name} is the worker's first name.
CHOSE_WORKER = (
    "I'd like to see {name}, my sister sees them and says they really listen",
    "Could {name} be my worker? We got on well at the drop-in",
    "I want to carry on with {name}, they know my story now",
    "My neighbour recommended {name}",
    "I'd feel easier with {name}, we talked at the group",
)
CHANGE_WORKER = (
    "I'd like to see {name} instead, we got on at the group",
    "Could I have someone else? It's not working for me at the moment",
    "I'd rather talk to a woman about this, if that's possible",
)

# Support sphere: what people ask for, in their own words, by service.
ASKED_FOR = {
    "Foodbank": (
        "Food for the week, the kids are off school", "Something for tea tonight, I've got nothing in",
        "Nappies and formula for the baby", "A voucher, my money hasn't come through",
        "Help with the electric, the meter's on emergency", "Help with the gas bill, it's gone up again",
        "Toiletries and a bit of food till payday", "Somewhere to get a hot meal on Sundays",
        "Food I can cook without an oven", "A top-up for the gas before the weekend",
    ),
    "Advice service": (
        "Help with the gas bill, it's gone up again", "Filling in the PIP form, it's too long",
        "My Universal Credit got cut and I don't know why", "A letter from the council about arrears",
        "The landlord wants me out by the end of the month", "Sorting the council tax, I'm on my own now",
        "Checking I'm getting everything I should", "Ringing the DWP for me, I can't face it",
        "Debts on three cards, I can't keep up", "My mum's Attendance Allowance form",
        "Help to appeal the ESA decision", "Damp in the flat and the landlord won't answer",
        "My settled status letter", "Someone to come with me to the tribunal",
    ),
    "Link workers": (
        "Someone to talk to, I don't see anyone all week", "Getting out of the house more",
        "The walking group you mentioned", "Help to get back into work",
        "Feeling low again since my husband died", "Something for my anxiety that isn't more tablets",
        "Meeting people who speak my language", "A carers' group, looking after Dad is a lot",
        "Getting my confidence back after the hospital", "Gardening, I used to love it",
        "Learning the tablet so I can video call my grandchildren", "Help with forms for my son's school",
        "Just a chat, it's been a hard week", "Somewhere quiet to go in the day",
    ),
    "befriending": (
        "A chat and a cup of tea", "Company on the walk to the shops", "Talking about the old days",
        "Someone to ring on Sundays", "Going to the library together",
    ),
}  # fmt: skip

# Support sphere: what the worker wrote.
NOTE_TEXTS = (
    "Went through the form together; two sections left for next time.",
    "Referred to the energy advice line; will ring them on Monday.",
    "Very low today. Talked about what has helped before. Agreed to ring on Thursday.",
    "Brought the letters. The arrears are lower than feared.",
    "Gave a three-day food parcel and a fuel voucher.",
    "Came to the walking group for the first time and stayed for tea.",
    "Worried about their son. Listened; no action wanted yet.",
    "Housing officer agreed to visit about the damp.",
    "Wants to try the men's shed before anything else.",
    "Set up the video call on the tablet together.",
    "Sleeping better. Still finding mornings hard.",
    "Phoned the DWP together; the payment is back on.",
    "Talked through options for the debt; chose a breathing space first.",
    "Went with them to the GP; they did the talking.",
    "Mentioned the carers' allowance; will think about it.",
    "Happy today: the interview went well.",
    "Rent arrears plan agreed with the landlord.",
    "Asked to slow down; we will do one thing at a time.",
)

SHARED_TEXTS = (
    WHAT_MATTERS + ACCESS_NEEDS + OTHERS_PRESENT + COLD_REASONS + CHOSE_WORKER + CHANGE_WORKER
)
