package catalog

import (
	"database/sql"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// maxListed bounds the reference lists (categories, shops, services), which are answered whole.
const maxListed = 500

// Category is a product category with the number of active products in it.
type Category struct {
	Name         string `json:"name"`
	ProductCount int64  `json:"product_count"`
}

// Shop is a physical shop.
type Shop struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Address      string   `json:"address"`
	City         string   `json:"city"`
	Region       string   `json:"region"`
	Phone        string   `json:"phone"`
	Email        string   `json:"email"`
	OpeningHours string   `json:"opening_hours"`
	Latitude     *float64 `json:"latitude"`
	Longitude    *float64 `json:"longitude"`
}

// ShopService is a bookable service (training, inspection, survey, ...).
type ShopService struct {
	ID              int64       `json:"id"`
	Name            string      `json:"name"`
	Description     string      `json:"description"`
	Category        string      `json:"category"`
	Price           money.Cents `json:"price"`
	Currency        string      `json:"currency"`
	DurationMinutes int64       `json:"duration_minutes"`
}

// List is the envelope of the reference lists.
type List[T any] struct {
	Items []T `json:"items"`
}

const (
	listCategoriesSQL = `SELECT category, COUNT(*) FROM products WHERE is_active = 1
GROUP BY category ORDER BY category FETCH FIRST :1 ROWS ONLY`
	listShopsSQL = `SELECT id, name, address, city, region, phone, email, opening_hours, latitude, longitude
FROM shops WHERE is_active = 1 ORDER BY name, id FETCH FIRST :1 ROWS ONLY`
	listServicesSQL = `SELECT id, name, description, category, price, duration_minutes
FROM services WHERE is_active = 1 ORDER BY category, name, id FETCH FIRST :1 ROWS ONLY`
)

func (s *Service) listCategories(w http.ResponseWriter, r *http.Request) error {
	return listAll(s, w, r, "catalog.ListCategories", listCategoriesSQL, func(scan func(...any) error) (Category, error) {
		var c Category
		return c, scan(&c.Name, &c.ProductCount)
	})
}

func (s *Service) listShops(w http.ResponseWriter, r *http.Request) error {
	return listAll(s, w, r, "catalog.ListShops", listShopsSQL, func(scan func(...any) error) (Shop, error) {
		var (
			sh                                        Shop
			addr, city, region, phone, email, opening string // NULL is "" (godror)
			lat, lon                                  sql.NullFloat64
		)
		if err := scan(&sh.ID, &sh.Name, &addr, &city, &region, &phone, &email, &opening, &lat, &lon); err != nil {
			return Shop{}, err
		}
		sh.Address, sh.City, sh.Region, sh.Phone, sh.Email, sh.OpeningHours =
			addr, city, region, phone, email, opening
		if lat.Valid && lon.Valid {
			sh.Latitude, sh.Longitude = &lat.Float64, &lon.Float64
		}
		return sh, nil
	})
}

func (s *Service) listServices(w http.ResponseWriter, r *http.Request) error {
	return listAll(s, w, r, "catalog.ListServices", listServicesSQL, func(scan func(...any) error) (ShopService, error) {
		var (
			sv   ShopService
			desc string // NULL is "" (godror)
		)
		if err := scan(&sv.ID, &sv.Name, &desc, &sv.Category, &sv.Price, &sv.DurationMinutes); err != nil {
			return ShopService{}, err
		}
		sv.Description, sv.Currency = desc, "USD"
		return sv, nil
	})
}

// listAll answers a whole reference list (at most maxListed rows) in one statement.
func listAll[T any](s *Service, w http.ResponseWriter, r *http.Request, op, query string,
	scanRow func(scan func(...any) error) (T, error)) error {
	if r.URL.RawQuery != "" {
		return apperr.E(op, apperr.Invalid, "this list takes no query parameters")
	}
	rows, err := s.db.QueryContext(r.Context(), query, maxListed)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	out := List[T]{Items: []T{}}
	for rows.Next() {
		v, err := scanRow(rows.Scan)
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		out.Items = append(out.Items, v)
	}
	if err := rows.Err(); err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusOK, out)
	return nil
}
