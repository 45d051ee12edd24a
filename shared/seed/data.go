package seed

import (
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// product is one catalog entry of the demo data set.
type product struct {
	sku, name, category, description string
	price                            money.Cents
	stock                            int
}

// products returns the demo catalog: 42 products over six categories, prices from $39 to $24,999,
// some low on stock (<= 10) and exactly one sold out.
func products() []product {
	return []product{
		{"DRN-X8-HL", "OCTO X8 Heavy-Lift Octocopter", "drones", "Coaxial octocopter with 25 kg payload, IP45 airframe and redundant power for industrial lifting.", 1899900, 4},
		{"DRN-Q4-SRV", "OCTO Surveyor Q4 Mapping Quadcopter", "drones", "RTK mapping quadcopter with 55 minute endurance and automated survey planning.", 649900, 12},
		{"DRN-H6-INS", "OCTO Inspector H6 Industrial Hexacopter", "drones", "Hexacopter for bridge, tower and pipeline inspection with obstacle sensing on six sides.", 1149900, 7},
		{"DRN-A10-AGR", "OCTO AgriSpray A10 Crop Sprayer", "drones", "40 L spray tank, terrain following radar and variable-rate application from prescription maps.", 2499900, 3},
		{"DRN-VTOL-FAL", "OCTO Falcon VTOL Fixed-Wing", "drones", "Vertical take-off fixed-wing for corridor mapping up to 90 km per flight.", 1599900, 0},
		{"DRN-M2-SCT", "OCTO Scout M2 Compact Quadcopter", "drones", "Foldable scouting drone with 4K camera and 38 minute flight time.", 249900, 25},
		{"DRN-T3-TTH", "OCTO Relay T3 Tethered Drone", "drones", "Tethered platform for persistent overwatch and communications relay, unlimited endurance.", 1399900, 5},
		{"DRN-C12-CGO", "OCTO Cargo C12 Delivery Drone", "drones", "Beyond-line-of-sight delivery drone with 12 kg cargo bay and parachute recovery.", 2199900, 2},

		{"PLD-Z30-ZOOM", "OCTO Z30 30x Hybrid Zoom Gimbal Camera", "payloads", "30x optical zoom on a 3-axis stabilised gimbal for close inspection from a safe distance.", 329900, 18},
		{"PLD-TH640-RAD", "OCTO Thermal 640R Radiometric Camera", "payloads", "640 x 512 radiometric thermal sensor for solar, roof and power-line inspection.", 589900, 9},
		{"PLD-LDR-L2", "OCTO L2 LiDAR Mapping Module", "payloads", "240 kHz LiDAR with integrated IMU for survey-grade point clouds.", 1299900, 6},
		{"PLD-MS5-AGR", "OCTO MS5 Multispectral Sensor", "payloads", "Five-band multispectral sensor with sunlight sensor for crop health (NDVI) maps.", 429900, 14},
		{"PLD-FF45-RGB", "OCTO FF45 45MP Full-Frame Mapping Camera", "payloads", "Full-frame photogrammetry camera with mechanical shutter.", 379900, 11},
		{"PLD-SPK-V2", "OCTO V2 Speaker & Spotlight Kit", "payloads", "Loudspeaker and 100 W spotlight for search and rescue.", 89900, 30},
		{"PLD-WNC-50", "OCTO 50 kg Winch Delivery System", "payloads", "Motorised winch with 20 m cable and automatic hook release.", 219900, 8},

		{"BAT-HL-22K", "OCTO 22000 mAh 12S Smart Flight Battery", "batteries", "Self-heating smart battery for the X8 Heavy-Lift.", 119900, 40},
		{"BAT-Q4-7K", "OCTO 7000 mAh 6S Smart Battery (Surveyor)", "batteries", "Hot-swappable smart battery for the Surveyor Q4.", 32900, 60},
		{"BAT-H6-16K", "OCTO 16000 mAh 12S Battery (Inspector)", "batteries", "Smart battery for the Inspector H6, 400 cycles rated.", 89900, 22},
		{"BAT-AGR-30K", "OCTO 30000 mAh Agri Battery", "batteries", "Fast-charging battery for the AgriSpray A10.", 189900, 10},
		{"BAT-CHG-8", "OCTO 8-Bay Smart Charging Hub", "batteries", "Charges eight smart batteries in sequence with storage-mode balancing.", 149900, 15},
		{"BAT-FC-3K", "OCTO Field Charging Station 3kW", "batteries", "Generator-ready field charger for continuous agricultural operations.", 429900, 5},
		{"BAT-RC-4K", "OCTO Controller Battery 4900 mAh", "batteries", "Spare battery for the Pro 7 and Enterprise controllers.", 12900, 80},

		{"CTL-PRO-7", "OCTO Pro 7\" Smart Remote Controller", "controllers", "1000-nit display, O3 transmission and built-in mission apps.", 179900, 20},
		{"CTL-ENT-2", "OCTO Enterprise Dual-Operator Controller", "controllers", "Pilot and payload operator control with hand-over in flight.", 289900, 9},
		{"CTL-GCS-1", "OCTO Ground Control Station Rugged Laptop Kit", "controllers", "MIL-STD rugged laptop with mission planning suite and long-range radio.", 699900, 4},
		{"CTL-LNK-4G", "OCTO 4G Cellular Link Module", "controllers", "LTE link for beyond-visual-line-of-sight telemetry and video.", 59900, 35},
		{"CTL-RTK-B2", "OCTO RTK Base Station B2", "controllers", "Multi-band GNSS base station for centimetre positioning.", 349900, 7},
		{"CTL-ANT-HG", "OCTO High-Gain Antenna Set", "controllers", "Directional antennas extending controller range in interference.", 24900, 50},

		{"PRT-PRP-30", "OCTO 30\" Carbon Fiber Propellers (pair)", "parts", "Balanced carbon propellers for the X8 and A10.", 18900, 120},
		{"PRT-MTR-X8", "OCTO X8 Brushless Motor 6215", "parts", "Replacement motor for the X8 Heavy-Lift.", 44900, 32},
		{"PRT-ESC-80", "OCTO 80A FOC Electronic Speed Controller", "parts", "Field-oriented-control ESC with telemetry.", 15900, 45},
		{"PRT-ARM-H6", "OCTO Inspector H6 Replacement Arm", "parts", "Complete arm assembly with motor mount for the Inspector H6.", 27900, 16},
		{"PRT-GMB-DMP", "OCTO Gimbal Damper Kit", "parts", "Vibration dampers for all OCTO gimbal payloads.", 3900, 200},
		{"PRT-LEG-HL", "OCTO Heavy-Lift Landing Gear Set", "parts", "Retractable landing gear for the X8 Heavy-Lift.", 32900, 10},
		{"PRT-FC-V5", "OCTO Flight Controller V5 Core", "parts", "Triple-redundant IMU flight controller.", 129900, 8},

		{"ACC-CASE-X8", "OCTO X8 Rugged Transport Case", "accessories", "Wheeled IP67 case with custom foam for the X8 and four batteries.", 89900, 12},
		{"ACC-PAD-150", "OCTO 1.5 m Folding Landing Pad", "accessories", "High-visibility double-sided landing pad with ground pegs.", 7900, 140},
		{"ACC-ND-SET", "OCTO ND Filter Set (Z30/FF45)", "accessories", "ND8, ND16, ND32 and polariser filters.", 14900, 65},
		{"ACC-VEST-HV", "OCTO Pilot High-Visibility Vest", "accessories", "Class 2 high-visibility vest with tablet pocket.", 4900, 90},
		{"ACC-BAG-Q4", "OCTO Surveyor Field Backpack", "accessories", "Backpack for the Surveyor Q4, controller and three batteries.", 25900, 30},
		{"ACC-WX-STN", "OCTO Portable Weather Station", "accessories", "Wind, gust and temperature readings streamed to the flight app.", 129900, 6},
		{"ACC-PARA-X8", "OCTO X8 Emergency Parachute System", "accessories", "Ballistic parachute with automatic deployment for flights over people.", 159900, 9},
	}
}

// customer is a demo customer; the last one is the shopper's account.
type customer struct {
	name, email, phone, company, industry, region, notes string
	revenue                                              money.Cents
}

func customers() []customer {
	return []customer{
		{"Avery Chen", "avery.chen@skyline-survey.example", "+1 206 555 0142", "Skyline Survey Co", "Surveying", "us-west", "Fleet of four Surveyor Q4s.", 420000000},
		{"Marcus Oyelaran", "marcus@harvestgrid.example", "+1 512 555 0178", "HarvestGrid Farms", "Agriculture", "us-central", "Seasonal spraying contracts, peak in spring.", 1250000000},
		{"Sofia Lindqvist", "sofia.lindqvist@nordgrid.example", "+49 69 5550 1934", "NordGrid Energy", "Utilities", "eu-central", "Power-line inspection programme, prefers DHL.", 8800000000},
		{"Diego Ramirez", "diego@ramirez-films.example", "+1 323 555 0117", "Ramirez Films", "Media", "us-west", "", 90000000},
		{"Priya Natarajan", "priya@metro-inspect.example", "+1 973 555 0166", "Metro Inspection Services", "Construction", "us-east", "Bridge inspections for the state DOT.", 630000000},
		{"Jordan Blake", "jordan.blake@example.com", "+1 646 555 0101", "", "", "us-east", "", 0},
	}
}

// Users and their local-only passwords. They exist for running the bundle on a laptop and in demos;
// a deployment on ATP gets no seed data.
const (
	AdminUser           = "admin"
	AdminPassword       = "OctoAdmin!2026"
	SupportUser         = "support"
	SupportPassword     = "OctoSupport!2026"
	FulfillmentUser     = "fulfillment"
	FulfillmentPassword = "OctoFulfillment!2026"
	MarketingUser       = "marketing"
	MarketingPassword   = "OctoMarketing!2026"
	ShopperUser         = "shopper"
	ShopperPassword     = "OctoShopper!2026"
)

// AccountFor returns the seeded login a request of the given scope is made as (smoke requests, the
// benchmarks): the shopper for customer, support for staff, admin for admin; "" for public.
func AccountFor(scope manifest.Scope) string {
	switch scope {
	case manifest.Customer:
		return ShopperUser
	case manifest.Staff:
		return SupportUser
	case manifest.Admin:
		return AdminUser
	}
	return ""
}

// user is a demo login; customer is the index into customers() or -1.
type user struct {
	username, email, password, fullName, role string
	customer                                  int
}

func users() []user {
	return []user{
		{AdminUser, "admin@octo-drone-shop.example", AdminPassword, "Alex Admin", "admin", -1},
		{SupportUser, "support@octo-drone-shop.example", SupportPassword, "Sam Support", "support", -1},
		{MarketingUser, "marketing@octo-drone-shop.example", MarketingPassword, "Morgan Marketing", "marketing", -1},
		{ShopperUser, "jordan.blake@example.com", ShopperPassword, "Jordan Blake", "customer", 5},
		{FulfillmentUser, "fulfillment@octo-drone-shop.example", FulfillmentPassword, "Frankie Fulfillment", "fulfillment", -1},
	}
}

// coupon kinds: percent, fixed amount, exhausted and inactive; each carries the rules its description
// states (migration 0011), which checkout and the preview enforce.
type coupon struct {
	code, description  string
	percent            int
	amount             money.Cents
	maxUses, usedCount int
	active             int
	minSubtotal        money.Cents // 0: none
	firstOrderOnly     int
	perCustomerLimit   int     // 0: none
	endedDaysAgo       float64 // > 0: valid_until that many days ago
}

func coupons() []coupon {
	return []coupon{
		{code: "WELCOME10", description: "10% off a first order", percent: 10, usedCount: 3, active: 1,
			firstOrderOnly: 1, perCustomerLimit: 1},
		{code: "SAVE250", description: "$250 off orders over $2,500", amount: 25000, maxUses: 500, usedCount: 12, active: 1,
			minSubtotal: 250000},
		{code: "LAUNCH50", description: "Launch week: 50% off (fully redeemed)", percent: 50, maxUses: 100, usedCount: 100, active: 1,
			perCustomerLimit: 1},
		{code: "SPRING15", description: "Spring sale 15% (ended)", percent: 15, usedCount: 41, active: 0, endedDaysAgo: 7},
	}
}

// orderLine is a product (by SKU) and quantity.
type orderLine struct {
	sku string
	qty int
}

// order is a demo order; customer indexes customers().
type order struct {
	customer        int
	status, payment string
	daysAgo         float64
	lines           []orderLine
	coupon          string
	method          string
	carrier         string
}

func orders() []order {
	return []order{
		{0, "delivered", "paid", 24, []orderLine{{"DRN-Q4-SRV", 1}, {"BAT-Q4-7K", 3}}, "", "card", "UPS"},
		{1, "delivered", "paid", 20, []orderLine{{"DRN-A10-AGR", 1}, {"BAT-AGR-30K", 2}}, "SAVE250", "invoice", "FedEx"},
		{2, "shipped", "paid", 9, []orderLine{{"DRN-H6-INS", 1}, {"PLD-TH640-RAD", 1}}, "", "invoice", "DHL"},
		{3, "processing", "paid", 2, []orderLine{{"DRN-M2-SCT", 1}, {"ACC-ND-SET", 1}}, "WELCOME10", "card", "UPS"},
		{4, "processing", "paid", 1, []orderLine{{"PLD-Z30-ZOOM", 1}, {"CTL-PRO-7", 1}}, "", "card", "FedEx"},
		{5, "pending", "pending", 0.1, []orderLine{{"ACC-PAD-150", 2}, {"PRT-PRP-30", 1}}, "", "card", ""},
		{0, "cancelled", "cancelled", 15, []orderLine{{"ACC-CASE-X8", 1}}, "", "card", ""},
		{2, "delivered", "paid", 28, []orderLine{{"DRN-X8-HL", 3}, {"PLD-LDR-L2", 1}}, "", "wire", "DHL"},
		{1, "shipped", "paid", 5, []orderLine{{"PLD-MS5-AGR", 1}, {"CTL-RTK-B2", 1}}, "", "invoice", "UPS"},
		{5, "delivered", "paid", 12, []orderLine{{"BAT-RC-4K", 1}, {"ACC-VEST-HV", 2}}, "", "card", "UPS"},
		{4, "refunded", "refunded", 18, []orderLine{{"CTL-ENT-2", 1}}, "", "card", "FedEx"},
	}
}
