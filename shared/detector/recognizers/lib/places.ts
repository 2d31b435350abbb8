// Names of places, so that a column of them is not read as names of people: Dutch municipalities
// and larger places, and cities and airports abroad that turn up in airline, shipping and travel
// lists. Written lower case without accents, as `vocabularyKey` turns a cell into. Cities that
// are common first names (Sofia, Florence, Adelaide, Orlando) are left out.

const DUTCH = `
aa en hunze|aalsmeer|aalten|achtkarspelen|alblasserdam|albrandswaard|alkmaar|almelo|almere|alphen aan den rijn|
alphen chaam|altena|ameland|amersfoort|amstelveen|amsterdam|apeldoorn|arnhem|assen|asten|baarle nassau|baarn|
barendrecht|barneveld|beek|beekdaelen|beesel|berg en dal|bergeijk|bergen|bergen op zoom|berkelland|bernheze|
best|beuningen|beverwijk|bladel|blaricum|bloemendaal|bodegraven reeuwijk|boekel|borger odoorn|borne|borsele|
boxtel|breda|brielle|bronckhorst|brummen|brunssum|bunnik|bunschoten|buren|capelle aan den ijssel|castricum|
coevorden|cranendonck|culemborg|dalfsen|dantumadiel|de bilt|de fryske marren|de ronde venen|de wolden|delft|
den haag|den helder|deurne|deventer|diemen|dijk en waard|dinkelland|doesburg|doetinchem|dongen|dordrecht|
drechterland|drimmelen|dronten|druten|duiven|echt susteren|edam volendam|ede|eemnes|eemsdelta|eersel|eijsden margraten|
eindhoven|elburg|emmen|enkhuizen|enschede|epe|ermelo|etten leur|geertruidenberg|geldrop mierlo|gemert bakel|gennep|
gilze en rijen|goeree overflakkee|goes|goirle|gooise meren|gorinchem|gouda|groningen|gulpen wittem|haaksbergen|
haarlem|haarlemmermeer|halderberge|hardenberg|harderwijk|hardinxveld giessendam|harlingen|hattem|heemskerk|
heemstede|heerde|heerenveen|heerlen|heeze leende|heiloo|hellendoorn|helmond|hendrik ido ambacht|hengelo|
het hogeland|heumen|heusden|hillegom|hilvarenbeek|hilversum|hof van twente|hoeksche waard|hollands kroon|
hoogeveen|hoorn|horst aan de maas|houten|huizen|hulst|ijsselstein|kaag en braassem|kampen|kapelle|katwijk|
kerkrade|koggenland|krimpen aan den ijssel|krimpenerwaard|laarbeek|land van cuijk|landgraaf|landsmeer|lansingerland|
laren|leeuwarden|leiden|leiderdorp|leidschendam voorburg|lelystad|leusden|lingewaard|lisse|lochem|loon op zand|
lopik|losser|maasdriel|maasgouw|maashorst|maassluis|maastricht|medemblik|meerssen|meierijstad|meppel|middelburg|
midden delfland|midden drenthe|midden groningen|moerdijk|molenlanden|montferland|montfoort|mook en middelaar|
neder betuwe|nieuwegein|nieuwkoop|nijkerk|nijmegen|nissewaard|noardeast fryslan|noord beveland|noordenveld|
noordoostpolder|noordwijk|nuenen|nunspeet|oegstgeest|oirschot|oisterwijk|oldambt|oldebroek|oldenzaal|olst wijhe|
ommen|oost gelre|oosterhout|ooststellingwerf|oostzaan|opmeer|opsterland|oss|oude ijsselstreek|ouder amstel|
oudewater|overbetuwe|papendrecht|peel en maas|pekela|pijnacker nootdorp|purmerend|putten|raalte|reimerswaal|
renkum|renswoude|reusel de mierden|rheden|rhenen|ridderkerk|rijssen holten|rijswijk|roerdalen|roermond|
roosendaal|rotterdam|rozendaal|rucphen|schagen|scherpenzeel|schiedam|schiermonnikoog|schouwen duiveland|
s hertogenbosch|simpelveld|sint michielsgestel|sittard geleen|sliedrecht|sluis|smallingerland|soest|someren|
son en breugel|stadskanaal|staphorst|stede broec|steenbergen|steenwijkerland|stein|stichtse vecht|sudwest fryslan|
terneuzen|terschelling|texel|teylingen|tholen|tiel|tilburg|tubbergen|twenterand|tynaarlo|uitgeest|uithoorn|urk|
utrecht|utrechtse heuvelrug|vaals|valkenburg aan de geul|valkenswaard|veendam|veenendaal|veere|veldhoven|velsen|
venlo|venray|vijfheerenlanden|vlaardingen|vlieland|vlissingen|voerendaal|voorne aan zee|voorschoten|voorst|vught|
waadhoeke|waalre|waalwijk|waddinxveen|wageningen|wassenaar|waterland|weert|west betuwe|west maas en waal|
westerkwartier|westerveld|westervoort|westerwolde|westland|weststellingwerf|wierden|wijchen|wijdemeren|wijk bij duurstede|
winterswijk|woensdrecht|woerden|wormerland|woudenberg|zaanstad|zaltbommel|zandvoort|zeewolde|zeist|zevenaar|
zoetermeer|zoeterwoude|zuidplas|zundert|zutphen|zwartewaterland|zwijndrecht|zwolle|
schiphol|scheveningen|hoofddorp|spijkenisse|zaandam|emmeloord|sneek|drachten|heerhugowaard|hoogezand|
veghel|uden|oud beijerland|bergschenhoek|rosmalen|geleen|sittard|venhuizen|volendam|naaldwijk|
noord holland|zuid holland|noord brabant|gelderland|overijssel|drenthe|friesland|fryslan|zeeland|limburg|flevoland|
nederland|the netherlands|holland`;

const WORLD = `
london|paris|berlin|madrid|rome|roma|lisbon|lisboa|brussels|brussel|bruxelles|antwerp|antwerpen|ghent|gent|
luxembourg|vienna|wien|zurich|geneva|geneve|bern|basel|munich|munchen|frankfurt|hamburg|cologne|koln|
dusseldorf|stuttgart|dortmund|essen|bremen|hannover|leipzig|dresden|nuremberg|nurnberg|copenhagen|kobenhavn|
aarhus|aalborg|oslo|bergen|stockholm|gothenburg|goteborg|malmo|helsinki|reykjavik|dublin|cork|edinburgh|
glasgow|manchester|liverpool|birmingham|leeds|bristol|newcastle|belfast|cardiff|prague|praha|warsaw|warszawa|
krakow|gdansk|budapest|bucharest|athens|thessaloniki|istanbul|ankara|izmir|antalya|moscow|st petersburg|
kiev|kyiv|minsk|riga|tallinn|vilnius|belgrade|zagreb|ljubljana|sarajevo|skopje|tirana|milan|milano|naples|
napoli|turin|torino|venice|venezia|firenze|bologna|genoa|genova|palermo|barcelona|valencia|seville|
sevilla|malaga|bilbao|porto|marseille|lyon|nice|toulouse|bordeaux|nantes|strasbourg|lille|montpellier|
new york|los angeles|chicago|houston|philadelphia|san antonio|san diego|dallas|san francisco|seattle|
boston|miami|atlanta|denver|detroit|washington|las vegas|minneapolis|portland|honolulu|anchorage|
toronto|montreal|vancouver|calgary|ottawa|mexico city|guadalajara|monterrey|cancun|havana|bogota|lima|
santiago|buenos aires|sao paulo|rio de janeiro|brasilia|caracas|quito|montevideo|asuncion|la paz|
cairo|casablanca|marrakech|rabat|tunis|algiers|tripoli|lagos|abuja|accra|nairobi|addis ababa|dar es salaam|
johannesburg|cape town|durban|kinshasa|luanda|dakar|khartoum|kampala|harare|lusaka|windhoek|
dubai|abu dhabi|doha|riyadh|jeddah|kuwait|muscat|manama|tehran|baghdad|beirut|amman|damascus|jerusalem|tel aviv|
karachi|lahore|islamabad|delhi|new delhi|mumbai|bombay|kolkata|calcutta|chennai|madras|bangalore|bengaluru|
hyderabad|dhaka|kathmandu|colombo|bangkok|phuket|hanoi|ho chi minh city|saigon|kuala lumpur|singapore|jakarta|
denpasar|bali|manila|cebu|hong kong|macau|taipei|seoul|busan|tokyo|osaka|nagoya|sapporo|fukuoka|beijing|
shanghai|guangzhou|shenzhen|chengdu|chongqing|wuhan|xian|tianjin|nanjing|hangzhou|sydney|melbourne|brisbane|
perth|auckland|wellington|christchurch|cairns|hobart|canberra|curacao|aruba|bonaire|paramaribo|
willemstad|oranjestad|kralendijk|anapa|altay|annaba|abadan|aberdeen|almaty|alicante|ahmedabad|lanzarote|
tenerife|gran canaria|ibiza|mallorca|palma|faro|funchal|aspen|albany|waterloo|alexandria|aleppo|adana|aswan|
agadir|ajaccio|ancona|astrakhan|arkhangelsk|yerevan|tbilisi|baku|tashkent|ashgabat|bishkek|ulaanbaatar|
novosibirsk|yekaterinburg|kazan|samara|sochi|odessa|lviv|kharkiv|vladivostok|krasnoyarsk|irkutsk|omsk`;

export const PLACES: ReadonlySet<string> = new Set(
  `${DUTCH}|${WORLD}`.split('|').map((entry) => entry.trim()).filter(Boolean),
);

/** Words that only places and sites carry: 'Hong Kong International', 'Ray Lake', 'Aranuka Island'. */
export const PLACE_WORDS: ReadonlySet<string> = new Set([
  'international', 'intl', 'airport', 'airfield', 'aerodrome', 'airstrip', 'airbase', 'municipal', 'regional',
  'county', 'island', 'islands', 'bay', 'lake', 'harbour', 'harbor', 'springs', 'creek', 'valley', 'falls',
  'heights', 'city', 'beach', 'downs', 'station', 'luchthaven', 'vliegveld', 'haven', 'eiland', 'provincie',
  'gemeente', 'dorp', 'stad', 'centrum', 'noord', 'zuid', 'oost', 'west', 'north', 'south', 'east', 'atoll', 'arpt',
  'apt', 'flugplatz', 'flughafen', 'aeroport', 'aeropuerto', 'village', 'town', 'spb', 'afb', 'field', 'memorial',
]);
