package assistantchat

import "sync"

// synonymGroups are the trade's words for one thing. A query term of a group also matches the others
// at synonymWeight: "heat camera" finds the thermal camera, "GPS base" the GNSS base station, "4G" or
// "cellular" the LTE link. Written as words; they go through the same stemming as the catalog.
var synonymGroups = [][]string{
	{"thermal", "heat", "infrared", "ir", "radiometric", "temperature", "hotspot", "hotspots"},
	{"lte", "cellular", "4g", "5g", "mobile", "sim"},
	{"gnss", "gps", "rtk", "positioning", "centimetre", "centimeter", "accuracy", "accurate", "precise", "precision"},
	{"lidar", "laser", "point", "cloud", "scanning", "scanner"},
	{"multispectral", "ndvi", "crop", "plant", "vegetation", "health"},
	{"spray", "sprayer", "spraying", "agriculture", "agricultural", "agri", "farm", "farming", "pesticide", "fertilizer", "crops"},
	{"battery", "batteries", "mah", "cell", "cells"},
	{"charger", "charging", "charge", "recharge", "hub"},
	{"zoom", "telephoto", "optical", "close"},
	{"mapping", "map", "maps", "survey", "surveying", "photogrammetry", "orthomosaic", "orthophoto", "topographic"},
	{"inspection", "inspect", "inspecting", "inspector"},
	{"delivery", "deliver", "cargo", "parcel", "parcels", "package", "packages", "drop", "transport"},
	{"winch", "tether", "tethered", "cable", "hoist", "lower"},
	{"range", "antenna", "antennas", "signal", "distance", "interference"},
	{"controller", "remote", "rc", "transmitter", "joystick"},
	{"case", "bag", "backpack", "storage"},
	{"propeller", "propellers", "prop", "props", "blade", "blades"},
	{"motor", "motors", "brushless"},
	{"esc", "speed"},
	{"parachute", "safety", "emergency", "crash", "recovery"},
	{"relay", "overwatch", "persistent", "unlimited", "surveillance", "security", "perimeter"},
	{"vtol", "fixed", "wing", "corridor", "long"},
	{"heavy", "lift", "lifting", "payload", "kg", "heavier"},
	{"rescue", "sar", "spotlight", "speaker", "loudspeaker", "search", "missing", "night", "light"},
	{"weather", "wind", "gust", "gusts"},
	{"camera", "cameras", "photo", "photos", "video", "4k", "45mp", "sensor"},
	{"endurance", "flight", "time", "minutes", "minute", "hours"},
	{"solar", "roof", "roofs", "panel", "panels", "power", "line", "lines", "powerline"},
	{"bridge", "bridges", "tower", "towers", "pipeline", "pipelines", "infrastructure"},
	{"filter", "filters", "nd", "polariser", "polarizer", "glare"},
	{"vest", "visibility", "pilot"},
	{"pad", "landing", "gear", "legs"},
	{"foldable", "compact", "portable", "small", "travel"},
	{"vibration", "damper", "dampers", "jello"},
	{"laptop", "ground", "station", "gcs", "planning", "planner"},
	{"rugged", "ip67", "ip45", "waterproof", "rain"},
}

// synonymWeight is how much a synonym counts against the word itself.
const synonymWeight = 0.6

// synonyms maps each stemmed term to the stemmed terms of its groups (itself excluded). The groups'
// stems are generated (synonyms_gen.go, checked against term() by TestSynonymStemsAreCurrent), so
// that a cold container's first chat does not stem the table's 230 words: 0.4 ms of its start. The map
// is static, so it is built once per container.
var synonyms = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for _, stems := range synonymStems {
		for _, a := range stems {
			for _, b := range stems {
				if a != b && !contains(m[a], b) {
					m[a] = append(m[a], b)
				}
			}
		}
	}
	return m
})

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
