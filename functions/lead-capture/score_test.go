package leadcapture

import (
	"testing"
)

func TestScore(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Signals
		want int
	}{
		{"bare_free_mail_lead_scores_the_base_10", Signals{}, 10},
		{"company_domain_adds_25", Signals{CompanyEmail: true}, 35},
		{"company_name_adds_15", Signals{CompanyGiven: true}, 25},
		{"one_char_message_adds_5", Signals{MessageChars: 1}, 15},
		{"49_char_message_adds_5", Signals{MessageChars: 49}, 15},
		{"50_char_message_adds_12", Signals{MessageChars: 50}, 22},
		{"199_char_message_adds_12", Signals{MessageChars: 199}, 22},
		{"200_char_message_adds_20", Signals{MessageChars: 200}, 30},
		{"referral_campaign_adds_15", Signals{CampaignType: "referral"}, 25},
		{"email_campaign_adds_10", Signals{CampaignType: "email"}, 20},
		{"ppc_campaign_adds_8", Signals{CampaignType: "ppc"}, 18},
		{"social_campaign_adds_5", Signals{CampaignType: "social"}, 15},
		{"unknown_campaign_type_adds_nothing", Signals{CampaignType: "billboard"}, 10},
		{"repeat_interest_adds_15", Signals{Repeat: true}, 25},
		{"typical_b2b_enquiry", Signals{CompanyEmail: true, CompanyGiven: true, MessageChars: 80, CampaignType: "ppc"}, 70},
		{"everything_scores_exactly_100", Signals{CompanyEmail: true, CompanyGiven: true, MessageChars: 500, CampaignType: "referral", Repeat: true}, 100},
		{"free_mail_repeat_with_long_message", Signals{MessageChars: 300, CampaignType: "social", Repeat: true}, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Score(tc.in); got != tc.want {
				t.Fatalf("Score(%+v) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestIsFreeMail(t *testing.T) {
	for _, tc := range []struct {
		domain string
		free   bool
	}{
		{"gmail.com", true}, {"outlook.com", true}, {"proton.me", true}, {"gmx.de", true},
		{"gridline-power.example", false}, {"gmail.com.evil.example", false}, {"mail.google.com", false},
	} {
		name := tc.domain + "_is_company"
		if tc.free {
			name = tc.domain + "_is_free_mail"
		}
		t.Run(name, func(t *testing.T) {
			if got := IsFreeMail(tc.domain); got != tc.free {
				t.Fatalf("IsFreeMail = %t", got)
			}
		})
	}
}
