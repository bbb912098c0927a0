"""Word lists of the recall dev set's conversations: companies, places, small talk."""

COMPANIES = [
    ("Costco", "COST", 540), ("Apple", "AAPL", 185), ("Microsoft", "MSFT", 410),
    ("Nvidia", "NVDA", 460), ("Johnson & Johnson", "JNJ", 155),
    ("Procter & Gamble", "PG", 160), ("Coca-Cola", "KO", 60), ("Disney", "DIS", 95),
    ("Amazon", "AMZN", 175), ("Alphabet", "GOOGL", 140), ("Pfizer", "PFE", 29),
    ("Verizon", "VZ", 40), ("Home Depot", "HD", 350), ("JPMorgan", "JPM", 190),
    ("General Motors", "GM", 45), ("Boeing", "BA", 210), ("Intel", "INTC", 35),
    ("Netflix", "NFLX", 600), ("Caterpillar", "CAT", 330), ("Mastercard", "MA", 450),
    ("Starbucks", "SBUX", 90), ("Chevron", "CVX", 155), ("Target", "TGT", 150),
    ("3M", "MMM", 100),
]  # fmt: skip
EXITED = [("Exxon", "XOM", 110), ("Altria", "MO", 42), ("AT&T", "T", 17)]
SWITCH_INTO = [
    ("a clean-energy ETF, ICLN", "ICLN"),
    ("the S&P 500 index fund, VOO", "VOO"),
    ("a dividend ETF, SCHD", "SCHD"),
    ("a short-term Treasury fund, SGOV", "SGOV"),
]
ACCOUNTS = ["Roth IRA", "traditional IRA", "joint brokerage account", "401(k)"]
VACATION_TOWNS = ["Traverse City", "Asheville", "Sedona", "Bar Harbor", "Door County",
                  "Lake Tahoe"]  # fmt: skip
EXCLUSIONS = [
    ("tobacco companies", "my dad smoked his whole life and it killed him"),
    ("gun makers", "after what happened at my nephew's school I just can't"),
    ("casino and gambling stocks", "my brother lost everything at the tables"),
    ("oil drillers", "I care too much about the grandkids' planet"),
    ("private prison operators", "it just feels wrong to profit from that"),
    ("fast food chains", "I spent thirty years telling patients to eat better"),
]
SURGERIES = ["knee replacement", "hip replacement", "cataract surgery",
             "shoulder surgery", "back surgery", "gallbladder surgery"]  # fmt: skip
PET_NAMES = ["Biscuit", "Pepper", "Maple", "Ziggy", "Juniper", "Otis"]
CARS = ["a used Toyota Tacoma", "a Subaru Outback", "a Honda CR-V hybrid",
        "a Ford F-150 Lightning", "a Mazda CX-5", "a Kia EV6"]  # fmt: skip
GRANDBABY_NAMES = ["Lily", "Henry", "Olivia", "Theo", "Nora", "Felix"]
NEW_EMPLOYERS = [
    "a small startup called Tidewater Analytics",
    "Meridian Group",
    "a regional competitor, Northgate",
    "the state university",
    "a consulting firm, Halvorsen & Co",
    "a family business, Reyes Supply",
]

# --------------------------------------------------------------------------------
# Filler: the casual talk that fills most of every session
# --------------------------------------------------------------------------------

WEATHER = ["rainy", "freezing", "gorgeous", "muggy", "windy", "gray", "sunny",
           "snowy", "humid", "chilly"]  # fmt: skip
SHOWS = ["that baking competition", "the new detective series", "a documentary "
         "about octopuses", "the Olympics", "some old westerns", "a cooking show",
         "the royal family drama", "a true crime podcast"]  # fmt: skip
FOODS = ["a new Thai place", "the taco truck by the library", "an Italian spot "
         "downtown", "the diner on Main", "a sushi bar", "a barbecue joint",
         "the farmers market"]  # fmt: skip
ERRANDS = ["the dentist", "the DMV", "the hardware store", "my book club",
           "a school board meeting", "the vet", "church", "the car wash"]  # fmt: skip

CLIENT_FILLER = [
    "Oh it's been {weather} here all week, I'm going a little stir crazy.",
    "Sorry, give me one second, the {pet} is barking at the mailman again.",
    "Ha, yes, we've been watching {show} every night, it's ridiculous but fun.",
    "We tried {food} on Saturday, honestly pretty good.",
    "I had to run to {errand} this morning so I'm a bit frazzled.",
    "Did you see the {team} game? What a mess.",
    "Can you hear me okay? My headphones keep cutting out.",
    "Yeah, that makes sense to me.",
    "Hmm, okay. I'll have to think about that.",
    "Right, right. Go on.",
    "Ha! No kidding.",
    "I keep meaning to clean out the garage but it never happens.",
    "My {hobby} has been the only thing keeping me sane lately.",
    "Traffic on the way back from {errand} was awful.",
    "Honestly the news has been so depressing, I've stopped watching.",
    "Can we keep this short-ish? I have {errand} at four.",
    "The market's been all over the place, hasn't it? I try not to look.",
    "I read something about interest rates but I didn't really follow it.",
    "Oh, before I forget, happy belated birthday!",
    "We've been redoing the kitchen so everything's covered in dust.",
    "Not much new, just the usual chaos.",
    "My phone keeps asking me to update and I keep saying later.",
    "I swear the grocery bill doubles every month.",
    "We had the neighbors over for a cookout, it was nice.",
    "Sorry, what was the last part?",
    "Sounds good, thanks for walking me through it.",
    "Ugh, taxes. Don't remind me.",
    "I'm okay, a little tired. Long week.",
    "You know how it is, summer goes by in a blink.",
    "That's fair. I just like to understand what we're doing.",
    "Yep, I got the statement, haven't opened it yet though.",
    "My neighbor keeps bragging about some crypto thing, I tune it out.",
    "I spent the whole weekend on {hobby}, it was wonderful.",
    "Oh gosh, is it already {month}? Where does the time go.",
    "We're thinking about repainting the living room, nobody can agree on a color.",
    "I'll email you the form tonight, I promise.",
    "The {pet} knocked a plant off the windowsill this morning, dirt everywhere.",
    "Coffee number three, don't judge me.",
    "Okay, I'm back, sorry about that.",
    "Mostly good! Busy, but good.",
]
ADVISOR_FILLER = [
    "Good to hear from you! How have things been?",
    "Ha, I know the feeling. It's been {weather} here too.",
    "No rush at all, take your time.",
    "Got it, I'll make a note of that.",
    "That makes sense. Anything else on your mind this week?",
    "Let me pull up your accounts while we chat.",
    "Totally understandable. Markets move, the plan doesn't have to.",
    "Yes, I can hear you fine now.",
    "Oh, I love {food}! Did you try the dessert?",
    "I haven't watched {show} yet, my kids keep telling me to.",
    "Quick housekeeping item: I'll send the updated paperwork by Friday.",
    "We can keep it to half an hour, no problem.",
    "Sure. Where were we?",
    "That's a great question, let me think about how to explain it.",
    "Sounds like a busy stretch. How's the family?",
    "Perfect, I'll look out for the email.",
    "I'll double-check that and get back to you.",
    "Rates are a moving target right now, but nothing we need to react to today.",
    "Thanks for being patient with all the forms.",
    "Ha, fair enough.",
    "Right. And how are you feeling about everything overall?",
    "I'll put a reminder in for our next check-in.",
    "Mm-hm. Keep going.",
    "We'll revisit this at the annual review.",
    "Sorry, my screen froze for a second, could you repeat that?",
    "Glad you had a good weekend!",
    "Oh no, hope it wasn't too bad.",
    "Enjoy {hobby}, you've earned it.",
    "I'll let you go in a minute, just one more thing.",
    "Talk soon, and say hi to {spouse} for me.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]  # fmt: skip

# --------------------------------------------------------------------------------
# Pools for the generated clients (the first six are written out in full)
# --------------------------------------------------------------------------------

# (name, subject pronoun, possessive, spouse, spouse's role)
CLIENT_PEOPLE = [
    ("Helen", "she", "her", "Walter", "husband"),
    ("Marcus", "he", "his", "Tasha", "wife"),
    ("Yolanda", "she", "her", "Curtis", "husband"),
    ("Kenji", "he", "his", "Aiko", "wife"),
    ("Barbara", "she", "her", "Frank", "husband"),
    ("Tomas", "he", "his", "Elena", "wife"),
    ("Nancy", "she", "her", "Phil", "husband"),
    ("Ahmed", "he", "his", "Leila", "wife"),
    ("Carol", "she", "her", "Dennis", "husband"),
    ("Victor", "he", "his", "Rosa", "wife"),
    ("Diane", "she", "her", "Howard", "husband"),
    ("Samuel", "he", "his", "Ruth", "wife"),
    ("Patricia", "she", "her", "Leon", "husband"),
    ("Hector", "he", "his", "Marisol", "wife"),
    ("Joyce", "she", "her", "Arthur", "husband"),
    ("Oliver", "he", "his", "Hannah", "wife"),
    ("Gloria", "she", "her", "Ray", "husband"),
    ("Rajesh", "he", "his", "Anita", "wife"),
    ("Teresa", "she", "her", "Miguel", "husband"),
    ("Wesley", "he", "his", "Karen", "wife"),
    ("Ingrid", "she", "her", "Lars", "husband"),
    ("Desmond", "he", "his", "Monique", "wife"),
    ("Rita", "she", "her", "Stan", "husband"),
    ("Felipe", "he", "his", "Carmen", "wife"),
    ("Beverly", "she", "her", "Norman", "husband"),
    ("Calvin", "he", "his", "Denise", "wife"),
]
DAUGHTERS = [
    "Chloe",
    "Zara",
    "Mia",
    "Hazel",
    "Ruby",
    "Ivy",
    "Leah",
    "Stella",
    "Naomi",
    "Jade",
    "Tessa",
    "Alice",
    "Vera",
    "Lucy",
    "Rosa",
    "Amara",
]
SONS = [
    "Caleb",
    "Isaac",
    "Julian",
    "Miles",
    "Simon",
    "Tobias",
    "Hugo",
    "Dylan",
    "Elliot",
    "Adrian",
    "Marco",
    "Kofi",
    "Ryan",
    "Wyatt",
    "Arlo",
    "Jonah",
]
CITIES = [
    "Omaha",
    "Boise",
    "Raleigh",
    "Tucson",
    "Madison",
    "Spokane",
    "Richmond",
    "Albuquerque",
    "Pittsburgh",
    "Sacramento",
    "Louisville",
    "Savannah",
    "Des Moines",
    "Knoxville",
    "Fresno",
    "Buffalo",
]
EMPLOYERS = [
    ("Harlow Pharmacy", "pharmacist"),
    ("Keystone Rail", "dispatcher"),
    ("Bluewater Marine", "boat mechanic"),
    ("Oakridge Schools", "vice principal"),
    ("Summit Credit Union", "loan officer"),
    ("Granite Construction", "site foreman"),
    ("Pinecrest Hospital", "radiology tech"),
    ("Ironwood Labs", "lab chemist"),
    ("Silverline Airlines", "flight attendant"),
    ("Redfield Insurance", "claims adjuster"),
    ("Maple Street Bakery", "head baker"),
    ("Crescent Media", "video editor"),
    ("Northstar Utilities", "lineworker"),
    ("Lakeside County", "building inspector"),
]
IN_LAWS = [
    ("Gary", "brother-in-law"),
    ("Wendy", "sister-in-law"),
    ("Boris", "brother-in-law"),
    ("Lorna", "sister-in-law"),
    ("Trent", "brother-in-law"),
    ("Fiona", "sister-in-law"),
]
AUNTS = [
    "Aunt Dot",
    "Aunt Sylvia",
    "Uncle Herb",
    "Aunt Pearl",
    "Uncle Vic",
    "Aunt Greta",
    "Great-aunt Clara",
    "Uncle Lou",
]
PET_KINDS = ["dog", "cat", "parrot", "rabbit"]
HOBBIES = [
    "woodworking",
    "quilting",
    "birdwatching",
    "pottery",
    "tennis",
    "sailing",
    "choir practice",
    "chess club",
    "running",
    "baking bread",
]
TEAMS = [
    "Royals",
    "Mariners",
    "Hornets",
    "Packers",
    "Steelers",
    "Kings",
    "Bills",
    "Cardinals",
    "Sounders",
    "Predators",
]
MORE_VACATION_TOWNS = [
    "Cape May",
    "Galena",
    "Jackson Hole",
    "Ocracoke",
    "Taos",
    "Mackinac Island",
    "Big Sur",
    "Eureka Springs",
    "Stowe",
    "Port Townsend",
    "Hilton Head",
    "Duluth",
]
MORE_EXCLUSIONS = [
    ("alcohol companies", "my father struggled with drinking for years"),
    ("defense contractors", "I was raised a Quaker, it's a line for me"),
    ("payday lenders", "I watched them squeeze my cousin dry"),
    ("coal miners", "the air back home was terrible when I was a kid"),
    ("sugary soda makers", "our son is diabetic and I see the damage up close"),
    ("factory farming companies", "I've been vegetarian since college"),
]
MORE_SURGERIES = [
    "rotator cuff repair",
    "bunion surgery",
    "hernia repair",
    "carpal tunnel surgery",
    "heart valve procedure",
    "ACL repair",
]
MORE_PET_NAMES = [
    "Waffles",
    "Clementine",
    "Bruno",
    "Pickles",
    "Mochi",
    "Rocket",
    "Tofu",
    "Goose",
    "Sprout",
    "Noodle",
    "Pumpkin",
    "Jasper",
]
MORE_CARS = [
    "a Hyundai Ioniq 5",
    "a used Jeep Wrangler",
    "a Volvo XC60",
    "a Toyota Sienna minivan",
    "a Chevy Bolt",
    "a Ford Maverick",
]
MORE_GRANDBABY_NAMES = [
    "Iris",
    "Milo",
    "June",
    "Silas",
    "Wren",
    "Eli",
    "Poppy",
    "Otto",
    "Cora",
    "Rhys",
    "Mabel",
    "Ezra",
]
MORE_NEW_EMPLOYERS = [
    "a logistics startup named Parcelwise",
    "the county hospital",
    "Bellwether Foods",
    "a nonprofit, Open Hands",
    "an engineering shop, Kessler Works",
    "the regional airport authority",
]
CHARITIES = [
    "the animal shelter",
    "the public library foundation",
    "the children's hospital",
    "the food bank",
    "a scholarship fund at the community college",
    "the volunteer fire department",
]
RENTAL_UNITS = [
    "the basement apartment",
    "the garage studio",
    "the duplex next door",
    "the condo downtown",
]
