package demo

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the demo must know its zones even on hosts without a zoneinfo database
	"unicode"
)

// Location is one demo location, as listed in the README and used by tests.
type Location struct {
	ID             int
	Title          string
	City           string
	TimezoneName   string // IANA zone, as GET /companies?my=1 reports it
	CurrencyISO    string
	CurrencySymbol string
	CurrencyName   string
}

// Locations returns the five demo locations (ids 1001..1005) in id order.
// The fault-injection ids are not locations and are not listed.
func Locations() []Location {
	out := make([]Location, 0, len(chain))
	for _, p := range chain {
		out = append(out, p.Location)
	}
	return out
}

type service struct {
	title   string
	minutes int
	price   cents
}

type position struct {
	id       int
	title    string
	services []service
}

type staffMember struct {
	id      int
	name    string
	pos     int             // index into profile.positions
	minutes int             // working minutes on a working day
	off     [2]time.Weekday // weekly days off
}

type user struct {
	id   int
	name string
}

type source struct {
	label string
	admin bool // booked by a receptionist, not online
}

type program struct {
	id            int
	title         string
	typ           string
	loyaltyTypeID int
	itemTypeID    int
	serviceItems  string
	goodItems     string
	valueUnitID   int
	valueUnit     string
	discount      int  // percent off services for members, 0 for none
	cashback      bool // members sometimes pay part of a bill from their balance
	visitMult     int
	expiration    int
	expireUnit    string
	paramsSource  string
	firstTx       string
}

// profile is a location plus everything the generator needs to invent its days.
type profile struct {
	Location
	currencyID  int
	symbolAfter bool
	tz          *time.Location

	countryID, cityID int
	country, address  string
	zip               string
	lat, lon          float64
	phone, email      string
	site, instagram   string
	shortDescr        string
	description       string
	businessTypeID    int
	restricted        bool // the user lacks the analytics right here (fault id 4010)

	positions      []position
	staff          []staffMember
	users          []user
	goods          []service
	accounts       []string
	accountWeights []int // 0 = an account that exists but took no payments
	sources        []source
	sourceWeights  []int
	programs       []*program
	discountTitles []string // paids.discount titles, parallel to programs

	unit         cents      // pricing granularity for discounts
	baseOcc      float64    // typical occupancy of a working day
	weekday      [7]float64 // demand by weekday, Sunday first
	goodsRate    float64    // share of visits that also buy a product
	newRate      float64    // share of appointments from first-time clients
	clientBase   int        // size of the client base at baseDate
	clientGrowth float64    // new client cards per day
	clientIDBase int        // client ids are clientIDBase+n
	firstNames   []string   // client name pools
	lastNames    []string   //
	phoneFormat  func(int) string
	oldLabels    bool // record_status uses the old-docs wording
}

// baseDate anchors the client-base size (2025-01-01).
var baseDate = civil(20089)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("demo: unknown time zone " + name)
	}
	return loc
}

func staffList(baseID int, names []string, pos []int, minutes []int, off [][2]time.Weekday) []staffMember {
	out := make([]staffMember, len(names))
	for i, n := range names {
		out[i] = staffMember{id: baseID + i + 1, name: n, pos: pos[i], minutes: minutes[i], off: off[i]}
	}
	return out
}

var (
	sun, mon, tue, wed, thu, fri, sat = time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday
	noDay                             = time.Weekday(-1)
)

// Chain-wide programme and position ids, as in a real chain (group_id).
const chainGroupID = 502100

var (
	progClub = &program{id: 61001, title: "Lumen Club card 5%", typ: "discount_static", loyaltyTypeID: 1, itemTypeID: 4,
		serviceItems: "any_allowed", goodItems: "not_allowed", valueUnitID: 1, valueUnit: "percent", discount: 5,
		visitMult: 1, expiration: 0, expireUnit: "day", paramsSource: "loyalty_card", firstTx: "2024-03-02"}
	progCashback = &program{id: 61002, title: "Cashback 7% on services", typ: "cashback_static_paid", loyaltyTypeID: 6, itemTypeID: 4,
		serviceItems: "any_allowed", goodItems: "not_allowed", valueUnitID: 1, valueUnit: "percent", cashback: true,
		visitMult: 1, expiration: 6, expireUnit: "month", paramsSource: "chain", firstTx: "2024-09-15"}
	progSkinPackage = &program{id: 61003, title: "Skin Care Paket: 5 Gesichtsbehandlungen", typ: "package_discount", loyaltyTypeID: 13, itemTypeID: 4,
		serviceItems: "custom_allowed", goodItems: "not_allowed", valueUnitID: 1, valueUnit: "percent", discount: 20,
		visitMult: 5, expiration: 1, expireUnit: "year", paramsSource: "loyalty_card", firstTx: "2025-02-10"}
	progClube = &program{id: 61004, title: "Clube Lumen 10%", typ: "discount_accumulative_visits", loyaltyTypeID: 2, itemTypeID: 4,
		serviceItems: "any_allowed", goodItems: "any_allowed", valueUnitID: 1, valueUnit: "percent", discount: 10,
		visitMult: 1, expiration: 0, expireUnit: "day", paramsSource: "active_companies", firstTx: "2024-06-01"}
)

var salonWeek = [7]float64{0.82, 0.78, 0.88, 0.93, 1.0, 1.12, 1.22}

func digits(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s[len(s)-width:]
}

func almaty(id int, title string, restricted bool) *profile {
	return &profile{
		Location: Location{ID: id, Title: title, City: "Almaty", TimezoneName: "Asia/Almaty",
			CurrencyISO: "KZT", CurrencySymbol: "₸", CurrencyName: "Kazakhstan Tenge"},
		currencyID: 7, symbolAfter: true, tz: mustZone("Asia/Almaty"),
		countryID: 4, country: "Kazakhstan", cityID: 1397, address: "Almaty, Abay Ave 52", zip: "050000",
		lat: 43.238949, lon: 76.889709, phone: "+77272555012", email: "almaty@lumen.example",
		site: "lumen.example/almaty", instagram: "instagram.com/lumen.almaty", shortDescr: "Beauty salon",
		description: "<p>Hair, nails and skin care in the heart of Almaty.</p>", businessTypeID: 1, restricted: restricted,
		positions: []position{
			{id: 501, title: "Парикмахер", services: []service{
				{"Стрижка женская", 60, 900000}, {"Стрижка мужская", 45, 600000},
				{"Окрашивание волос", 150, 2800000}, {"Укладка", 45, 700000}}},
			{id: 502, title: "Мастер маникюра", services: []service{
				{"Маникюр с покрытием гель-лак", 90, 950000}, {"Педикюр", 75, 1100000}, {"Маникюр классический", 60, 550000}}},
			{id: 503, title: "Косметолог", services: []service{
				{"Чистка лица", 90, 1600000}, {"Пилинг", 60, 1400000}, {"Массаж лица", 45, 900000}}},
		},
		staff: staffList(id*100, []string{"Айгерим Нурланова", "Дана Садыкова", "Ержан Касымов", "Мадина Ахметова",
			"Алия Жумабаева", "Светлана Ким", "Асель Тулегенова", "Камила Искакова"},
			[]int{0, 0, 0, 1, 1, 1, 2, 2}, []int{600, 600, 540, 600, 600, 540, 540, 480},
			[][2]time.Weekday{{sun, mon}, {tue, wed}, {sun, thu}, {mon, tue}, {wed, thu}, {sun, fri}, {mon, sat}, {sun, wed}}),
		users:          []user{{id: 710011, name: "Жанна Омарова"}, {id: 710012, name: "Reception Almaty"}},
		goods:          []service{{"Шампунь Kérastase 250 мл", 0, 1450000}, {"Крем для рук", 0, 390000}, {"Масло для кутикулы", 0, 290000}},
		accounts:       []string{"Касса", "Kaspi QR", "Эквайринг Halyk Bank", "Сейф", "Расчетный счет", "Initial balance"},
		accountWeights: []int{30, 45, 25, 0, 0, 0},
		sources: []source{{"Administrator", true}, {`Online booking form "Main site"`, false},
			{`Online booking form "Instagram"`, false}, {"Client mobile app", false}, {"API", false}},
		sourceWeights:  []int{52, 20, 14, 10, 4},
		programs:       []*program{progClub, progCashback},
		discountTitles: []string{"Lumen Club card 5%", "Cashback 7% on services"},
		unit:           100, baseOcc: 0.74, weekday: salonWeek, goodsRate: 0.14, newRate: 0.17,
		clientBase: 6400, clientGrowth: 7.5, clientIDBase: id * 100000,
		firstNames:  []string{"Айгуль", "Сабина", "Алина", "Динара", "Жанар", "Ольга", "Тимур", "Арман", "Мария", "Асем"},
		lastNames:   []string{"Абдуллаева", "Петрова", "Сейткали", "Ким", "Мусина", "Беккер", "Оспанова", "Ли"},
		phoneFormat: func(n int) string { return "+7701555" + digits(n, 4) },
	}
}

// chain is the demo chain, in id order.
var chain = []*profile{
	almaty(1001, "Lumen Almaty", false),
	{
		Location: Location{ID: 1002, Title: "Lumen Dubai Marina", City: "Dubai", TimezoneName: "Asia/Dubai",
			CurrencyISO: "AED", CurrencySymbol: "AED", CurrencyName: "UAE Dirham"},
		currencyID: 11, symbolAfter: true, tz: mustZone("Asia/Dubai"),
		countryID: 215, country: "United Arab Emirates", cityID: 2045, address: "Dubai, Marina Walk, Tower 3", zip: "00000",
		lat: 25.080543, lon: 55.140343, phone: "+97145550144", email: "dubai@lumen.example",
		site: "lumen.example/dubai", instagram: "instagram.com/lumen.dubai", shortDescr: "Beauty salon",
		description: "<p>Premium hair and nail studio at Dubai Marina.</p>", businessTypeID: 1,
		positions: []position{
			{id: 501, title: "Hair Stylist", services: []service{
				{"Women's Haircut", 60, 18000}, {"Blow Dry", 45, 12000}, {"Hair Colour", 150, 55000}}},
			{id: 502, title: "Nail Technician", services: []service{
				{"Gel Manicure", 75, 16000}, {"Classic Pedicure", 60, 14000}, {"Nail Art (per set)", 30, 9500}}},
			{id: 503, title: "Aesthetician", services: []service{{"HydraFacial", 60, 65000}, {"Brow Lamination", 45, 22000}}},
		},
		staff: staffList(100200, []string{"Layla Haddad", "Priya Nair", "Fatima Al Mansouri", "Maria Santos", "Noura Saeed", "Olena Kovalenko"},
			[]int{0, 0, 1, 1, 1, 2}, []int{540, 540, 600, 600, 540, 480},
			[][2]time.Weekday{{sun, mon}, {tue, wed}, {mon, noDay}, {thu, noDay}, {sun, sat}, {sun, tue}}),
		users:          []user{{id: 710021, name: "Aisha Rahman"}, {id: 710022, name: "Front Desk Marina"}},
		goods:          []service{{"Moroccanoil Treatment 100ml", 0, 21000}, {"Cuticle Oil", 0, 6500}},
		accounts:       []string{"Cash", "Card (Network International)", "Apple Pay", "Tabby", "الصندوق"},
		accountWeights: []int{15, 55, 20, 10, 0},
		sources: []source{{"Administrator", true}, {`Online booking form "Main site"`, false},
			{"Client mobile app", false}, {"API", false}},
		sourceWeights:  []int{48, 30, 17, 5},
		programs:       []*program{progClub},
		discountTitles: []string{"Lumen Club card 5%"},
		unit:           50, baseOcc: 0.66, weekday: [7]float64{1.1, 0.82, 0.85, 0.9, 1.0, 1.15, 1.2}, goodsRate: 0.1, newRate: 0.24,
		clientBase: 3100, clientGrowth: 5, clientIDBase: 100200000,
		firstNames:  []string{"Sara", "Mariam", "Hana", "Emily", "Reem", "Anna", "Dina", "Jessica", "Yasmin", "Chloe"},
		lastNames:   []string{"Khan", "Al Hashimi", "Smith", "Petrenko", "Nasser", "Fernandes", "Brown", "Haddad"},
		phoneFormat: func(n int) string { return "+971505550" + digits(n, 3) },
	},
	{
		Location: Location{ID: 1003, Title: "Lumen Skin Clinic Berlin", City: "Berlin", TimezoneName: "Europe/Berlin",
			CurrencyISO: "EUR", CurrencySymbol: "€", CurrencyName: "Euro"},
		currencyID: 1, symbolAfter: true, tz: mustZone("Europe/Berlin"),
		countryID: 81, country: "Germany", cityID: 3010, address: "Berlin, Torstraße 118", zip: "10119",
		lat: 52.529408, lon: 13.401211, phone: "+49305550188", email: "berlin@lumen.example",
		site: "lumen.example/berlin", instagram: "instagram.com/lumen.berlin", shortDescr: "Aesthetic clinic",
		description: "<p>Ästhetische Dermatologie und Kosmetik in Berlin-Mitte.</p>", businessTypeID: 3,
		positions: []position{
			{id: 503, title: "Kosmetikerin", services: []service{
				{"Gesichtsbehandlung Classic", 60, 6900}, {"Microneedling", 75, 18900}, {"Chemisches Peeling", 45, 9500}}},
			{id: 504, title: "Podologin", services: []service{{"Medizinische Fußpflege", 45, 4250}, {"Nagelkorrekturspange", 30, 6800}}},
			{id: 505, title: "Ärztin", services: []service{
				{"Botox Stirn", 30, 29000}, {"Hyaluron Lippen", 45, 32000}, {"Erstberatung", 30, 5000}}},
		},
		staff: staffList(100300, []string{"Dr. Lena Fischer", "Mia Schneider", "Jonas Weber", "Sophie Wagner"},
			[]int{2, 0, 1, 0}, []int{480, 480, 420, 480},
			[][2]time.Weekday{{sun, mon}, {sun, sat}, {sun, wed}, {sun, tue}}),
		users:          []user{{id: 710031, name: "Katrin Hoffmann"}, {id: 710032, name: "Empfang Mitte"}},
		goods:          []service{{"Sonnenschutz LSF 50", 0, 2490}, {"Hyaluron Serum", 0, 3950}},
		accounts:       []string{"Kasse", "EC-Karte", "Kreditkarte (Stripe)", "Überweisung", "Gutscheinkonto"},
		accountWeights: []int{20, 45, 25, 10, 0},
		sources: []source{{"Administrator", true}, {`Online booking form "Main site"`, false},
			{`Online booking form "Google"`, false}, {"API", false}},
		sourceWeights:  []int{45, 30, 15, 10},
		programs:       []*program{progSkinPackage},
		discountTitles: []string{"Skin Care Paket: 5 Gesichtsbehandlungen"},
		unit:           5, baseOcc: 0.7, weekday: [7]float64{0.6, 0.95, 1.0, 1.0, 1.05, 1.1, 0.9}, goodsRate: 0.18, newRate: 0.2,
		clientBase: 1900, clientGrowth: 2.2, clientIDBase: 100300000,
		firstNames:  []string{"Anna", "Laura", "Julia", "Katharina", "Sarah", "Lisa", "Felix", "Paul", "Lea", "Marie"},
		lastNames:   []string{"Müller", "Schmidt", "Becker", "Koch", "Richter", "Klein", "Wolf", "Neumann"},
		phoneFormat: func(n int) string { return "+491705550" + digits(n, 3) },
	},
	{
		Location: Location{ID: 1004, Title: "Lumen SoHo New York", City: "New York", TimezoneName: "America/New_York",
			CurrencyISO: "USD", CurrencySymbol: "$", CurrencyName: "US Dollar"},
		currencyID: 2, symbolAfter: false, tz: mustZone("America/New_York"),
		countryID: 7, country: "United States", cityID: 181, address: "New York, 112 Spring Street", zip: "10012",
		lat: 40.724254, lon: -73.998543, phone: "+12125550117", email: "soho@lumen.example",
		site: "lumen.example/soho", instagram: "instagram.com/lumen.soho", shortDescr: "Beauty salon",
		description: "<p>Cut, color, nails and facials in SoHo.</p>", businessTypeID: 1,
		positions: []position{
			{id: 501, title: "Hair Stylist", services: []service{
				{"Women's Cut & Style", 60, 8500}, {"Men's Cut", 30, 4500}, {"Balayage", 180, 28500}, {"Blowout", 45, 5500}}},
			{id: 502, title: "Nail Artist", services: []service{{"Gel Manicure", 60, 5500}, {"Spa Pedicure", 60, 6500}}},
			{id: 503, title: "Esthetician", services: []service{{"Signature Facial", 60, 14000}, {"Brow Shaping", 30, 3500}}},
		},
		staff: staffList(100400, []string{"Olivia Carter", "Marcus Reed", "Sofia Martinez", "Hannah Kim", "Grace Thompson", "Ava Johnson", "Daniel Brooks"},
			[]int{0, 0, 0, 1, 1, 2, 2}, []int{540, 540, 480, 540, 540, 480, 480},
			[][2]time.Weekday{{sun, mon}, {mon, tue}, {wed, thu}, {sun, wed}, {mon, thu}, {sun, tue}, {tue, fri}}),
		users:          []user{{id: 710041, name: "Emma Wilson"}, {id: 710042, name: "Front Desk SoHo"}, {id: 710043, name: "Noah Davis"}},
		goods:          []service{{"Olaplex No.3", 0, 3000}, {"Cuticle Oil", 0, 1450}, {"Dry Shampoo", 0, 2600}},
		accounts:       []string{"Cash", "Credit card (Square)", "Gift card", "Venmo", "Safe"},
		accountWeights: []int{10, 70, 8, 12, 0},
		sources: []source{{"Administrator", true}, {`Online booking form "Main site"`, false},
			{"Client mobile app", false}, {"API", false}},
		sourceWeights:  []int{40, 35, 18, 7},
		programs:       []*program{progClub, progCashback},
		discountTitles: []string{"Lumen Club card 5%", "Cashback 7% on services"},
		unit:           25, baseOcc: 0.72, weekday: salonWeek, goodsRate: 0.12, newRate: 0.22,
		clientBase: 5200, clientGrowth: 6.5, clientIDBase: 100400000,
		firstNames:  []string{"Emily", "Madison", "Chloe", "Jessica", "Ashley", "Natalie", "Ryan", "Jordan", "Taylor", "Megan"},
		lastNames:   []string{"Miller", "Garcia", "Nguyen", "Patel", "Walker", "Lopez", "Baker", "Cohen"},
		phoneFormat: func(n int) string { return "+1646555" + digits(n, 4) },
	},
	{
		Location: Location{ID: 1005, Title: "Lumen Jardins São Paulo", City: "São Paulo", TimezoneName: "America/Sao_Paulo",
			CurrencyISO: "BRL", CurrencySymbol: "R$", CurrencyName: "Brazilian Real"},
		currencyID: 24, symbolAfter: false, tz: mustZone("America/Sao_Paulo"),
		countryID: 30, country: "Brazil", cityID: 4210, address: "São Paulo, Rua Oscar Freire 870", zip: "01426-001",
		lat: -23.564431, lon: -46.668999, phone: "+551135550190", email: "jardins@lumen.example",
		site: "lumen.example/jardins", instagram: "instagram.com/lumen.jardins", shortDescr: "Salão de beleza",
		description: "<p>Cabelo, unhas e estética nos Jardins.</p>", businessTypeID: 1,
		positions: []position{
			{id: 501, title: "Cabeleireira", services: []service{
				{"Corte feminino", 60, 12000}, {"Escova", 45, 7000}, {"Coloração", 150, 32000}}},
			{id: 502, title: "Manicure", services: []service{{"Manicure e pedicure", 90, 9500}, {"Esmaltação em gel", 60, 8000}}},
			{id: 503, title: "Esteticista", services: []service{{"Limpeza de pele", 75, 18000}, {"Design de sobrancelhas", 30, 6000}}},
		},
		staff: staffList(100500, []string{"Ana Souza", "Beatriz Lima", "Camila Rocha", "João Pereira", "Juliana Alves"},
			[]int{0, 0, 1, 1, 2}, []int{540, 540, 540, 480, 480},
			[][2]time.Weekday{{sun, mon}, {sun, tue}, {sun, mon}, {sun, wed}, {sun, thu}}),
		users:          []user{{id: 710051, name: "Fernanda Costa"}, {id: 710052, name: "Recepção Jardins"}},
		goods:          []service{{"Máscara capilar 250g", 0, 8990}, {"Óleo de cutícula", 0, 2990}},
		accounts:       []string{"Dinheiro", "Pix", "Cartão de crédito", "Cartão de débito", "Aquisição Adyen", "Cofre"},
		accountWeights: []int{8, 42, 25, 15, 10, 0},
		sources: []source{{"Administrator", true}, {`Online booking form "Main site"`, false},
			{`Online booking form "WhatsApp"`, false}, {"Client mobile app", false}},
		sourceWeights:  []int{45, 15, 30, 10},
		programs:       []*program{progClube},
		discountTitles: []string{"Clube Lumen 10%"},
		unit:           10, baseOcc: 0.68, weekday: [7]float64{0.3, 0.8, 0.9, 0.95, 1.05, 1.15, 1.25}, goodsRate: 0.11, newRate: 0.2,
		clientBase: 2800, clientGrowth: 4, clientIDBase: 100500000,
		firstNames:  []string{"Mariana", "Larissa", "Fernanda", "Gabriela", "Aline", "Patrícia", "Lucas", "Rafael", "Bruna", "Letícia"},
		lastNames:   []string{"Silva", "Santos", "Oliveira", "Costa", "Ribeiro", "Carvalho", "Gomes", "Martins"},
		phoneFormat: func(n int) string { return "+55119555" + digits(n, 5) },
		oldLabels:   true,
	},
}

// restrictedProfile backs fault id 4010: a healthy location whose charts
// answer 401, as Altegio does for a user without the analytics right.
var restrictedProfile = almaty(FaultChartsUnauthorized, "Lumen Almaty (no analytics right)", true)

// SecondAlmaty is a second healthy Almaty location (KZT, like 1001),
// answered by id but not listed by GET /companies, so that chain totals,
// which add up one currency only, have two locations to add in the demo.
const SecondAlmaty = 1011

var secondAlmatyProfile = almaty(SecondAlmaty, "Lumen Almaty (Esentai)", false)

func lookupProfile(id int) *profile {
	for _, p := range chain {
		if p.ID == id {
			return p
		}
	}
	switch id {
	case FaultChartsUnauthorized:
		return restrictedProfile
	case SecondAlmaty:
		return secondAlmatyProfile
	}
	return nil
}

// clientName invents a stable name, phone and e-mail for a client id.
func (p *profile) client(id int) (name, phone, email string) {
	if id == 0 {
		return "", "", ""
	}
	h := hash64(int64(p.ID), int64(id), 7)
	first := p.firstNames[h%uint64(len(p.firstNames))]
	last := p.lastNames[(h>>16)%uint64(len(p.lastNames))]
	name = first + " " + last
	phone = p.phoneFormat(id)
	if (h>>32)%10 < 3 {
		return name, phone, "" // many clients never leave an e-mail
	}
	if isASCII(name) {
		email = strings.ToLower(first+"."+last) + digits(id, 3) + "@example.com"
	} else {
		email = "client" + strconv.Itoa(id) + "@example.com"
	}
	return name, phone, strings.ReplaceAll(email, " ", "")
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// staffIndex finds a team member by id. An id from elsewhere is mapped onto
// one of the location's team members so that any filter gives a smaller,
// deterministic answer instead of an empty one.
func (p *profile) staffIndex(id int) int {
	for i, s := range p.staff {
		if s.id == id {
			return i
		}
	}
	return int(hash64(int64(p.ID), int64(id), 1) % uint64(len(p.staff)))
}

func (p *profile) positionIndex(id int) int {
	for i, ps := range p.positions {
		if ps.id == id {
			return i
		}
	}
	return int(hash64(int64(p.ID), int64(id), 2) % uint64(len(p.positions)))
}

func (p *profile) userIndex(id int) int {
	for i, u := range p.users {
		if u.id == id {
			return i
		}
	}
	return int(hash64(int64(p.ID), int64(id), 3) % uint64(len(p.users)))
}

func (p *profile) programIndex(id int) int {
	for i, pr := range p.programs {
		if pr.id == id {
			return i
		}
	}
	return -1
}

// today is the location's current calendar day.
func (p *profile) today(now time.Time) civil { return civilOf(now.In(p.tz)) }

// standardOffset is the zone's offset in hours without daylight saving,
// the way the docs example pairs -5 with New York in March.
func (p *profile) standardOffset(now time.Time) float64 {
	t := now.In(p.tz)
	_, off := t.Zone()
	if t.IsDST() {
		off -= 3600
	}
	return float64(off) / 3600
}

// clientBaseAt is the number of client cards on day d.
func (p *profile) clientBaseAt(d civil) int {
	n := p.clientBase + int(p.clientGrowth*float64(d-baseDate))
	if n < 50 {
		n = 50
	}
	return n
}

// --- GET /company/{id} and GET /companies (CONTRACT §3.13, §3.14) ---

type companyJSON struct {
	ID                 int            `json:"id"`
	Title              string         `json:"title"`
	PublicTitle        string         `json:"public_title"`
	ShortDescr         string         `json:"short_descr"`
	Logo               string         `json:"logo"`
	Active             int            `json:"active"`
	Phone              string         `json:"phone"`
	Phones             []string       `json:"phones"`
	Email              string         `json:"email"`
	CountryID          int            `json:"country_id"`
	Country            string         `json:"country"`
	CityID             int            `json:"city_id"`
	City               string         `json:"city"`
	Timezone           float64        `json:"timezone"`
	TimezoneName       string         `json:"timezone_name"`
	Address            string         `json:"address"`
	Zip                string         `json:"zip"`
	CoordinateLat      float64        `json:"coordinate_lat"`
	CoordinateLon      float64        `json:"coordinate_lon"`
	Social             socialJSON     `json:"social"`
	Site               string         `json:"site"`
	BusinessTypeID     int            `json:"business_type_id"`
	Description        string         `json:"description"`
	Schedule           string         `json:"schedule"`
	PhoneConfirmation  bool           `json:"phone_confirmation"`
	ActiveStaffCount   int            `json:"active_staff_count"`
	GroupPriority      int            `json:"group_priority"`
	MainGroupID        int            `json:"main_group_id"`
	MainGroup          groupJSON      `json:"main_group"`
	CurrencyShortTitle string         `json:"currency_short_title"`
	PaymentPolicy      policyJSON     `json:"payment_policy"`
	Groups             map[string]any `json:"groups,omitempty"`
	Bookforms          []bookformJSON `json:"bookforms,omitempty"`
	Access             *accessJSON    `json:"access,omitempty"`
}

type socialJSON struct {
	Facebook  string `json:"facebook"`
	Instagram string `json:"instagram"`
	Telegram  string `json:"telegram"`
	Whatsapp  string `json:"whatsapp"`
	Viber     string `json:"viber"`
}

type groupJSON struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
}

type policyJSON struct {
	Type string `json:"type"`
}

type bookformJSON struct {
	ID        int    `json:"id"`
	Title     string `json:"title"`
	IsDefault int    `json:"is_default"`
	URL       string `json:"url"`
}

// accessJSON is a subset of the my=1 permission flags (cYclients names).
type accessJSON struct {
	StatAccess                        bool `json:"stat_access"`
	AnalyticsConstructorAccess        bool `json:"analytics_constructor_access"`
	FinancesZReportAccess             bool `json:"finances_z_report_access"`
	FinancesZReportNoLimitTodayAccess bool `json:"finances_z_report_no_limit_today_access"`
	LoyaltyAccess                     bool `json:"loyalty_access"`
	ClientsAccess                     bool `json:"clients_access"`
	SettingsAccess                    bool `json:"settings_access"`
	FinancesAccess                    bool `json:"finances_access"`
	ReportsLoyaltyProgramsAccess      bool `json:"reports_loyalty_programs_access"`
	ReportsBasicMetricsAccess         bool `json:"reports_basic_metrics_access"`
	ReportsAccess                     bool `json:"reports_access"`
}

const chainTitle = "Lumen Beauty & Clinic"

func (p *profile) companyJSON(now time.Time, q map[string][]string) companyJSON {
	has := func(k string) bool { v := q[k]; return len(v) > 0 && v[0] == "1" }
	c := companyJSON{
		ID: p.ID, Title: p.Title, PublicTitle: chainTitle + " — " + p.City, ShortDescr: p.shortDescr,
		Logo: "https://assets.lumen.example/logo.png", Active: 1, Phone: p.phone, Phones: []string{p.phone},
		Email: p.email, CountryID: p.countryID, Country: p.country, CityID: p.cityID, City: p.City,
		Timezone: p.standardOffset(now), TimezoneName: p.TimezoneName, Address: p.address, Zip: p.zip,
		CoordinateLat: p.lat, CoordinateLon: p.lon, Social: socialJSON{Instagram: p.instagram},
		Site: p.site, BusinessTypeID: p.businessTypeID, Description: p.description,
		PhoneConfirmation: true, ActiveStaffCount: len(p.staff), GroupPriority: 900,
		MainGroupID: chainGroupID, MainGroup: groupJSON{ID: chainGroupID, Title: chainTitle},
		CurrencyShortTitle: p.CurrencySymbol, PaymentPolicy: policyJSON{Type: "none"},
	}
	if has("show_groups") {
		c.Groups = map[string]any{strconv.Itoa(chainGroupID): groupJSON{ID: chainGroupID, Title: chainTitle}}
	}
	if has("showBookforms") {
		c.Bookforms = []bookformJSON{{ID: p.ID*10 + 1, Title: "Main site", IsDefault: 1,
			URL: "https://n" + strconv.Itoa(p.ID*10+1) + ".alteg.io/"}}
	}
	if has("my") {
		full := !p.restricted
		c.Access = &accessJSON{StatAccess: full, AnalyticsConstructorAccess: full, FinancesZReportAccess: true,
			FinancesZReportNoLimitTodayAccess: true, LoyaltyAccess: true, ClientsAccess: true, SettingsAccess: false,
			FinancesAccess: true, ReportsLoyaltyProgramsAccess: true, ReportsBasicMetricsAccess: full, ReportsAccess: full}
	}
	return c
}
