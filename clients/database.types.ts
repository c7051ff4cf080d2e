
export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  
  "graphql_public": {
          Tables: {
            [_ in never]: never
          }
          Views: {
            [_ in never]: never
          }
          Functions: {
            "graphql":
{ Args: { "extensions"?: Json,"operationName"?: string,"query"?: string,"variables"?: Json }; Returns: Json
                           }
          }
          Enums: {
            [_ in never]: never
          }
          CompositeTypes: {
            [_ in never]: never
          }
        },"public": {
          Tables: {
            "about_pages": {
                  Row: {
                    "created_at": string,"id": string,"is_published": boolean,"organization_id": string | null,"position": number,"slug": string,"title": string,"updated_at": string
                  }
                  Insert: {
                    "created_at"?: string,"id"?: string,"is_published"?: boolean,"organization_id"?: string | null,"position"?: number,"slug": string,"title": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"is_published"?: boolean,"organization_id"?: string | null,"position"?: number,"slug"?: string,"title"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "about_pages_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"about_sections": {
                  Row: {
                    "body": string,"heading": string | null,"id": string,"image_path": string | null,"organization_id": string | null,"page_id": string,"position": number
                  }
                  Insert: {
                    "body"?: string,"heading"?: string | null,"id"?: string,"image_path"?: string | null,"organization_id"?: string | null,"page_id": string,"position"?: number
                  }
                  Update: {
                    "body"?: string,"heading"?: string | null,"id"?: string,"image_path"?: string | null,"organization_id"?: string | null,"page_id"?: string,"position"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "about_sections_page_id_fkey"
      columns: ["page_id"]
isOneToOne: false
      referencedRelation: "about_pages"
      referencedColumns: ["id"]
    }
                  ]
                },"appointment_services": {
                  Row: {
                    "appointment_id": string,"code": string,"duration_minutes": number,"location_service_id": string,"name": string,"price_amount": number
                  }
                  Insert: {
                    "appointment_id": string,"code": string,"duration_minutes": number,"location_service_id": string,"name": string,"price_amount": number
                  }
                  Update: {
                    "appointment_id"?: string,"code"?: string,"duration_minutes"?: number,"location_service_id"?: string,"name"?: string,"price_amount"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "appointment_services_appointment_id_fkey"
      columns: ["appointment_id"]
isOneToOne: false
      referencedRelation: "appointments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "appointment_services_location_service_id_fkey"
      columns: ["location_service_id"]
isOneToOne: false
      referencedRelation: "location_services"
      referencedColumns: ["id"]
    }
                  ]
                },"appointments": {
                  Row: {
                    "bay_id": string,"cancellation_reason": string | null,"cancelled_at": string | null,"cancelled_by": string | null,"created_at": string,"currency": string,"ends_at": string,"id": string,"location_id": string,"notes": string | null,"starts_at": string,"status": Database["public"]['Enums']["appointment_status"],"total_amount": number,"updated_at": string,"user_id": string,"vehicle_id": string
                  }
                  Insert: {
                    "bay_id": string,"cancellation_reason"?: string | null,"cancelled_at"?: string | null,"cancelled_by"?: string | null,"created_at"?: string,"currency": string,"ends_at": string,"id"?: string,"location_id": string,"notes"?: string | null,"starts_at": string,"status"?: Database["public"]['Enums']["appointment_status"],"total_amount"?: number,"updated_at"?: string,"user_id": string,"vehicle_id": string
                  }
                  Update: {
                    "bay_id"?: string,"cancellation_reason"?: string | null,"cancelled_at"?: string | null,"cancelled_by"?: string | null,"created_at"?: string,"currency"?: string,"ends_at"?: string,"id"?: string,"location_id"?: string,"notes"?: string | null,"starts_at"?: string,"status"?: Database["public"]['Enums']["appointment_status"],"total_amount"?: number,"updated_at"?: string,"user_id"?: string,"vehicle_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "appointments_bay_id_fkey"
      columns: ["bay_id"]
isOneToOne: false
      referencedRelation: "service_bays"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "appointments_cancelled_by_fkey"
      columns: ["cancelled_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "appointments_location_id_fkey"
      columns: ["location_id"]
isOneToOne: false
      referencedRelation: "service_locations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "appointments_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "appointments_vehicle_id_fkey"
      columns: ["vehicle_id"]
isOneToOne: false
      referencedRelation: "vehicles"
      referencedColumns: ["id"]
    }
                  ]
                },"assessment_attempts": {
                  Row: {
                    "answers": NonNullable<Json>,"assessment_id": string,"attempt_number": number,"enrollment_id": string,"id": string,"max_points": number,"organization_id": string | null,"passed": boolean,"score_percent": number,"score_points": number,"submitted_at": string,"user_id": string
                  }
                  Insert: {
                    "answers": NonNullable<Json>,"assessment_id": string,"attempt_number": number,"enrollment_id": string,"id"?: string,"max_points": number,"organization_id"?: string | null,"passed": boolean,"score_percent": number,"score_points": number,"submitted_at"?: string,"user_id": string
                  }
                  Update: {
                    "answers"?: NonNullable<Json>,"assessment_id"?: string,"attempt_number"?: number,"enrollment_id"?: string,"id"?: string,"max_points"?: number,"organization_id"?: string | null,"passed"?: boolean,"score_percent"?: number,"score_points"?: number,"submitted_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "assessment_attempts_assessment_id_fkey"
      columns: ["assessment_id"]
isOneToOne: false
      referencedRelation: "assessments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "assessment_attempts_enrollment_id_fkey"
      columns: ["enrollment_id"]
isOneToOne: false
      referencedRelation: "course_enrollments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "assessment_attempts_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"assessment_choices": {
                  Row: {
                    "id": string,"label": string,"organization_id": string | null,"position": number,"question_id": string
                  }
                  Insert: {
                    "id"?: string,"label": string,"organization_id"?: string | null,"position"?: number,"question_id": string
                  }
                  Update: {
                    "id"?: string,"label"?: string,"organization_id"?: string | null,"position"?: number,"question_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "assessment_choices_question_id_fkey"
      columns: ["question_id"]
isOneToOne: false
      referencedRelation: "assessment_questions"
      referencedColumns: ["id"]
    }
                  ]
                },"assessment_correct_choices": {
                  Row: {
                    "choice_id": string,"organization_id": string | null,"question_id": string | null
                  }
                  Insert: {
                    "choice_id": string,"organization_id"?: string | null,"question_id"?: string | null
                  }
                  Update: {
                    "choice_id"?: string,"organization_id"?: string | null,"question_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "assessment_correct_choices_choice_id_fkey"
      columns: ["choice_id"]
isOneToOne: true
      referencedRelation: "assessment_choices"
      referencedColumns: ["id"]
    }
                  ]
                },"assessment_questions": {
                  Row: {
                    "assessment_id": string,"id": string,"kind": Database["public"]['Enums']["question_kind"],"organization_id": string | null,"points": number,"position": number,"prompt": string
                  }
                  Insert: {
                    "assessment_id": string,"id"?: string,"kind"?: Database["public"]['Enums']["question_kind"],"organization_id"?: string | null,"points"?: number,"position"?: number,"prompt": string
                  }
                  Update: {
                    "assessment_id"?: string,"id"?: string,"kind"?: Database["public"]['Enums']["question_kind"],"organization_id"?: string | null,"points"?: number,"position"?: number,"prompt"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "assessment_questions_assessment_id_fkey"
      columns: ["assessment_id"]
isOneToOne: false
      referencedRelation: "assessments"
      referencedColumns: ["id"]
    }
                  ]
                },"assessments": {
                  Row: {
                    "course_id": string,"created_at": string,"description": string | null,"id": string,"is_required": boolean,"max_attempts": number | null,"organization_id": string | null,"pass_mark_percent": number,"position": number,"title": string,"updated_at": string
                  }
                  Insert: {
                    "course_id": string,"created_at"?: string,"description"?: string | null,"id"?: string,"is_required"?: boolean,"max_attempts"?: number | null,"organization_id"?: string | null,"pass_mark_percent"?: number,"position"?: number,"title": string,"updated_at"?: string
                  }
                  Update: {
                    "course_id"?: string,"created_at"?: string,"description"?: string | null,"id"?: string,"is_required"?: boolean,"max_attempts"?: number | null,"organization_id"?: string | null,"pass_mark_percent"?: number,"position"?: number,"title"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "assessments_course_id_fkey"
      columns: ["course_id"]
isOneToOne: false
      referencedRelation: "courses"
      referencedColumns: ["id"]
    }
                  ]
                },"blog_categories": {
                  Row: {
                    "description": string | null,"id": string,"name": string,"position": number,"slug": string
                  }
                  Insert: {
                    "description"?: string | null,"id"?: string,"name": string,"position"?: number,"slug": string
                  }
                  Update: {
                    "description"?: string | null,"id"?: string,"name"?: string,"position"?: number,"slug"?: string
                  }
                  Relationships: [
                    
                  ]
                },"blog_post_images": {
                  Row: {
                    "caption": string | null,"created_at": string,"id": string,"organization_id": string | null,"position": number,"post_id": string,"storage_path": string
                  }
                  Insert: {
                    "caption"?: string | null,"created_at"?: string,"id"?: string,"organization_id"?: string | null,"position"?: number,"post_id": string,"storage_path": string
                  }
                  Update: {
                    "caption"?: string | null,"created_at"?: string,"id"?: string,"organization_id"?: string | null,"position"?: number,"post_id"?: string,"storage_path"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "blog_post_images_post_id_fkey"
      columns: ["post_id"]
isOneToOne: false
      referencedRelation: "blog_posts"
      referencedColumns: ["id"]
    }
                  ]
                },"blog_post_slugs": {
                  Row: {
                    "organization_id": string | null,"post_id": string,"retired_at": string,"slug": string
                  }
                  Insert: {
                    "organization_id"?: string | null,"post_id": string,"retired_at"?: string,"slug": string
                  }
                  Update: {
                    "organization_id"?: string | null,"post_id"?: string,"retired_at"?: string,"slug"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "blog_post_slugs_post_id_fkey"
      columns: ["post_id"]
isOneToOne: false
      referencedRelation: "blog_posts"
      referencedColumns: ["id"]
    }
                  ]
                },"blog_posts": {
                  Row: {
                    "archived_at": string | null,"author_id": string | null,"category_id": string | null,"content": string,"created_at": string,"id": string,"main_image_path": string | null,"notified_at": string | null,"organization_id": string | null,"publish_at": string | null,"search_vector": unknown,"slug": string,"status": Database["public"]['Enums']["blog_post_status"],"summary": string | null,"tags": (string)[],"title": string,"updated_at": string,"youtube_embed_url": string | null,"youtube_id": string | null
                  }
                  Insert: {
                    "archived_at"?: string | null,"author_id"?: string | null,"category_id"?: string | null,"content"?: string,"created_at"?: string,"id"?: string,"main_image_path"?: string | null,"notified_at"?: string | null,"organization_id"?: string | null,"publish_at"?: string | null,"search_vector"?: never,"slug": string,"status"?: Database["public"]['Enums']["blog_post_status"],"summary"?: string | null,"tags"?: (string)[],"title": string,"updated_at"?: string,"youtube_embed_url"?: never,"youtube_id"?: string | null
                  }
                  Update: {
                    "archived_at"?: string | null,"author_id"?: string | null,"category_id"?: string | null,"content"?: string,"created_at"?: string,"id"?: string,"main_image_path"?: string | null,"notified_at"?: string | null,"organization_id"?: string | null,"publish_at"?: string | null,"search_vector"?: never,"slug"?: string,"status"?: Database["public"]['Enums']["blog_post_status"],"summary"?: string | null,"tags"?: (string)[],"title"?: string,"updated_at"?: string,"youtube_embed_url"?: never,"youtube_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "blog_posts_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "blog_posts_category_id_fkey"
      columns: ["category_id"]
isOneToOne: false
      referencedRelation: "blog_categories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "blog_posts_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"blog_subscriptions": {
                  Row: {
                    "created_at": string,"id": string,"organization_id": string | null,"user_id": string
                  }
                  Insert: {
                    "created_at"?: string,"id"?: string,"organization_id"?: string | null,"user_id"?: string
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"organization_id"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "blog_subscriptions_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "blog_subscriptions_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"campaign_recipients": {
                  Row: {
                    "campaign_id": string,"click_count": number,"contact_id": string,"email": string,"first_clicked_at": string | null,"first_opened_at": string | null,"id": string,"open_count": number,"organization_id": string,"queued_at": string,"reason": string | null,"sent_at": string | null,"status": Database["public"]['Enums']["campaign_recipient_status"]
                  }
                  Insert: {
                    "campaign_id": string,"click_count"?: number,"contact_id": string,"email": string,"first_clicked_at"?: string | null,"first_opened_at"?: string | null,"id"?: string,"open_count"?: number,"organization_id": string,"queued_at"?: string,"reason"?: string | null,"sent_at"?: string | null,"status"?: Database["public"]['Enums']["campaign_recipient_status"]
                  }
                  Update: {
                    "campaign_id"?: string,"click_count"?: number,"contact_id"?: string,"email"?: string,"first_clicked_at"?: string | null,"first_opened_at"?: string | null,"id"?: string,"open_count"?: number,"organization_id"?: string,"queued_at"?: string,"reason"?: string | null,"sent_at"?: string | null,"status"?: Database["public"]['Enums']["campaign_recipient_status"]
                  }
                  Relationships: [
                    {
      foreignKeyName: "campaign_recipients_campaign_id_fkey"
      columns: ["campaign_id"]
isOneToOne: false
      referencedRelation: "email_campaigns"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "campaign_recipients_contact_id_fkey"
      columns: ["contact_id"]
isOneToOne: false
      referencedRelation: "contacts"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "campaign_recipients_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"car_listings": {
                  Row: {
                    "archived_at": string | null,"city": string,"comment_count": number,"condition": Database["public"]['Enums']["car_condition"],"country_code": string | null,"created_at": string,"currency": string,"deposit_amount": number | null,"description": string | null,"featured_until": string | null,"fuel_type": Database["public"]['Enums']["fuel_type"],"id": string,"latitude": number | null,"longitude": number | null,"make": string,"mileage_km": number,"model": string,"price_amount": number,"product_id": string | null,"published_at": string | null,"search_vector": unknown,"seller_id": string,"sold_at": string | null,"status": Database["public"]['Enums']["listing_status"],"store_id": string | null,"title": string,"transmission": Database["public"]['Enums']["car_transmission"],"updated_at": string,"year": number
                  }
                  Insert: {
                    "archived_at"?: string | null,"city": string,"comment_count"?: number,"condition"?: Database["public"]['Enums']["car_condition"],"country_code"?: string | null,"created_at"?: string,"currency": string,"deposit_amount"?: number | null,"description"?: string | null,"featured_until"?: string | null,"fuel_type": Database["public"]['Enums']["fuel_type"],"id"?: string,"latitude"?: number | null,"longitude"?: number | null,"make": string,"mileage_km"?: number,"model": string,"price_amount": number,"product_id"?: string | null,"published_at"?: string | null,"search_vector"?: never,"seller_id"?: string,"sold_at"?: string | null,"status"?: Database["public"]['Enums']["listing_status"],"store_id"?: string | null,"title": string,"transmission": Database["public"]['Enums']["car_transmission"],"updated_at"?: string,"year": number
                  }
                  Update: {
                    "archived_at"?: string | null,"city"?: string,"comment_count"?: number,"condition"?: Database["public"]['Enums']["car_condition"],"country_code"?: string | null,"created_at"?: string,"currency"?: string,"deposit_amount"?: number | null,"description"?: string | null,"featured_until"?: string | null,"fuel_type"?: Database["public"]['Enums']["fuel_type"],"id"?: string,"latitude"?: number | null,"longitude"?: number | null,"make"?: string,"mileage_km"?: number,"model"?: string,"price_amount"?: number,"product_id"?: string | null,"published_at"?: string | null,"search_vector"?: never,"seller_id"?: string,"sold_at"?: string | null,"status"?: Database["public"]['Enums']["listing_status"],"store_id"?: string | null,"title"?: string,"transmission"?: Database["public"]['Enums']["car_transmission"],"updated_at"?: string,"year"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "car_listings_product_id_fkey"
      columns: ["product_id"]
isOneToOne: true
      referencedRelation: "products"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "car_listings_seller_id_fkey"
      columns: ["seller_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "car_listings_store_id_fkey"
      columns: ["store_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"car_specifications": {
                  Row: {
                    "acceleration_0_100_s": number | null,"car_listing_id": string,"co2_g_km": number | null,"curb_weight_kg": number | null,"doors": number | null,"electric_range_km": number | null,"fuel_consumption_l_100km": number | null,"has_full_service_history": boolean | null,"height_mm": number | null,"horsepower": number | null,"length_mm": number | null,"previous_owners": number | null,"seats": number | null,"service_history": string | null,"top_speed_kmh": number | null,"torque_nm": number | null,"updated_at": string,"warranty_description": string | null,"warranty_months": number | null,"wheelbase_mm": number | null,"width_mm": number | null
                  }
                  Insert: {
                    "acceleration_0_100_s"?: number | null,"car_listing_id": string,"co2_g_km"?: number | null,"curb_weight_kg"?: number | null,"doors"?: number | null,"electric_range_km"?: number | null,"fuel_consumption_l_100km"?: number | null,"has_full_service_history"?: boolean | null,"height_mm"?: number | null,"horsepower"?: number | null,"length_mm"?: number | null,"previous_owners"?: number | null,"seats"?: number | null,"service_history"?: string | null,"top_speed_kmh"?: number | null,"torque_nm"?: number | null,"updated_at"?: string,"warranty_description"?: string | null,"warranty_months"?: number | null,"wheelbase_mm"?: number | null,"width_mm"?: number | null
                  }
                  Update: {
                    "acceleration_0_100_s"?: number | null,"car_listing_id"?: string,"co2_g_km"?: number | null,"curb_weight_kg"?: number | null,"doors"?: number | null,"electric_range_km"?: number | null,"fuel_consumption_l_100km"?: number | null,"has_full_service_history"?: boolean | null,"height_mm"?: number | null,"horsepower"?: number | null,"length_mm"?: number | null,"previous_owners"?: number | null,"seats"?: number | null,"service_history"?: string | null,"top_speed_kmh"?: number | null,"torque_nm"?: number | null,"updated_at"?: string,"warranty_description"?: string | null,"warranty_months"?: number | null,"wheelbase_mm"?: number | null,"width_mm"?: number | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "car_specifications_car_listing_id_fkey"
      columns: ["car_listing_id"]
isOneToOne: true
      referencedRelation: "car_listings"
      referencedColumns: ["id"]
    }
                  ]
                },"certificate_templates": {
                  Row: {
                    "accent_color": string,"background_path": string | null,"body": string,"created_at": string,"created_by": string | null,"id": string,"is_default": boolean,"name": string,"organization_id": string | null,"primary_color": string,"signatory_name": string | null,"signatory_title": string | null,"signature_image_path": string | null,"title": string,"updated_at": string,"validity_months": number | null
                  }
                  Insert: {
                    "accent_color"?: string,"background_path"?: string | null,"body"?: string,"created_at"?: string,"created_by"?: string | null,"id"?: string,"is_default"?: boolean,"name": string,"organization_id"?: string | null,"primary_color"?: string,"signatory_name"?: string | null,"signatory_title"?: string | null,"signature_image_path"?: string | null,"title"?: string,"updated_at"?: string,"validity_months"?: number | null
                  }
                  Update: {
                    "accent_color"?: string,"background_path"?: string | null,"body"?: string,"created_at"?: string,"created_by"?: string | null,"id"?: string,"is_default"?: boolean,"name"?: string,"organization_id"?: string | null,"primary_color"?: string,"signatory_name"?: string | null,"signatory_title"?: string | null,"signature_image_path"?: string | null,"title"?: string,"updated_at"?: string,"validity_months"?: number | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "certificate_templates_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "certificate_templates_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"certificates": {
                  Row: {
                    "achieved_at": string,"certificate_number": string,"cpd_credits": number,"cpd_cycle": string | null,"enrollment_id": string | null,"expires_at": string | null,"holder_id": string,"holder_name": string,"id": string,"issued_at": string,"issued_by": string | null,"organization_id": string | null,"pdf_generated_at": string | null,"pdf_path": string | null,"registration_id": string | null,"reissue_of": string | null,"revocation_reason": string | null,"revoked_at": string | null,"revoked_by": string | null,"template_id": string | null,"title": string,"verification_code": string
                  }
                  Insert: {
                    "achieved_at": string,"certificate_number": string,"cpd_credits"?: number,"cpd_cycle"?: string | null,"enrollment_id"?: string | null,"expires_at"?: string | null,"holder_id": string,"holder_name": string,"id"?: string,"issued_at"?: string,"issued_by"?: string | null,"organization_id"?: string | null,"pdf_generated_at"?: string | null,"pdf_path"?: string | null,"registration_id"?: string | null,"reissue_of"?: string | null,"revocation_reason"?: string | null,"revoked_at"?: string | null,"revoked_by"?: string | null,"template_id"?: string | null,"title": string,"verification_code": string
                  }
                  Update: {
                    "achieved_at"?: string,"certificate_number"?: string,"cpd_credits"?: number,"cpd_cycle"?: string | null,"enrollment_id"?: string | null,"expires_at"?: string | null,"holder_id"?: string,"holder_name"?: string,"id"?: string,"issued_at"?: string,"issued_by"?: string | null,"organization_id"?: string | null,"pdf_generated_at"?: string | null,"pdf_path"?: string | null,"registration_id"?: string | null,"reissue_of"?: string | null,"revocation_reason"?: string | null,"revoked_at"?: string | null,"revoked_by"?: string | null,"template_id"?: string | null,"title"?: string,"verification_code"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "certificates_enrollment_id_fkey"
      columns: ["enrollment_id"]
isOneToOne: false
      referencedRelation: "course_enrollments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "certificates_holder_id_fkey"
      columns: ["holder_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "certificates_issued_by_fkey"
      columns: ["issued_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "certificates_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "certificates_registration_id_fkey"
      columns: ["registration_id"]
isOneToOne: false
      referencedRelation: "event_registrations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "certificates_reissue_of_fkey"
      columns: ["reissue_of"]
isOneToOne: false
      referencedRelation: "certificates"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "certificates_revoked_by_fkey"
      columns: ["revoked_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "certificates_template_id_fkey"
      columns: ["template_id"]
isOneToOne: false
      referencedRelation: "certificate_templates"
      referencedColumns: ["id"]
    }
                  ]
                },"chat_messages": {
                  Row: {
                    "attachments": (string)[],"body": string,"created_at": string,"deleted_at": string | null,"edited_at": string | null,"id": string,"sender_id": string,"thread_id": string
                  }
                  Insert: {
                    "attachments"?: (string)[],"body"?: string,"created_at"?: string,"deleted_at"?: string | null,"edited_at"?: string | null,"id"?: string,"sender_id"?: string,"thread_id": string
                  }
                  Update: {
                    "attachments"?: (string)[],"body"?: string,"created_at"?: string,"deleted_at"?: string | null,"edited_at"?: string | null,"id"?: string,"sender_id"?: string,"thread_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "chat_messages_sender_id_fkey"
      columns: ["sender_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "chat_messages_thread_id_fkey"
      columns: ["thread_id"]
isOneToOne: false
      referencedRelation: "chat_threads"
      referencedColumns: ["id"]
    }
                  ]
                },"chat_participants": {
                  Row: {
                    "joined_at": string,"last_read_at": string,"role": Database["public"]['Enums']["chat_participant_role"],"thread_id": string,"user_id": string
                  }
                  Insert: {
                    "joined_at"?: string,"last_read_at"?: string,"role": Database["public"]['Enums']["chat_participant_role"],"thread_id": string,"user_id": string
                  }
                  Update: {
                    "joined_at"?: string,"last_read_at"?: string,"role"?: Database["public"]['Enums']["chat_participant_role"],"thread_id"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "chat_participants_thread_id_fkey"
      columns: ["thread_id"]
isOneToOne: false
      referencedRelation: "chat_threads"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "chat_participants_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"chat_threads": {
                  Row: {
                    "assigned_to": string | null,"created_at": string,"id": string,"last_message_at": string | null,"member_id": string,"organization_id": string | null,"status": Database["public"]['Enums']["chat_thread_status"],"subject": string,"updated_at": string
                  }
                  Insert: {
                    "assigned_to"?: string | null,"created_at"?: string,"id"?: string,"last_message_at"?: string | null,"member_id": string,"organization_id"?: string | null,"status"?: Database["public"]['Enums']["chat_thread_status"],"subject": string,"updated_at"?: string
                  }
                  Update: {
                    "assigned_to"?: string | null,"created_at"?: string,"id"?: string,"last_message_at"?: string | null,"member_id"?: string,"organization_id"?: string | null,"status"?: Database["public"]['Enums']["chat_thread_status"],"subject"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "chat_threads_assigned_to_fkey"
      columns: ["assigned_to"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "chat_threads_member_id_fkey"
      columns: ["member_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "chat_threads_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"contact_activities": {
                  Row: {
                    "body": string | null,"contact_id": string,"created_at": string,"id": string,"kind": Database["public"]['Enums']["contact_activity_kind"],"occurred_at": string,"organization_id": string,"recorded_by": string | null,"subject": string,"updated_at": string
                  }
                  Insert: {
                    "body"?: string | null,"contact_id": string,"created_at"?: string,"id"?: string,"kind": Database["public"]['Enums']["contact_activity_kind"],"occurred_at"?: string,"organization_id": string,"recorded_by"?: string | null,"subject": string,"updated_at"?: string
                  }
                  Update: {
                    "body"?: string | null,"contact_id"?: string,"created_at"?: string,"id"?: string,"kind"?: Database["public"]['Enums']["contact_activity_kind"],"occurred_at"?: string,"organization_id"?: string,"recorded_by"?: string | null,"subject"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "contact_activities_contact_id_fkey"
      columns: ["contact_id"]
isOneToOne: false
      referencedRelation: "contacts"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "contact_activities_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "contact_activities_recorded_by_fkey"
      columns: ["recorded_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"contact_consents": {
                  Row: {
                    "channel": Database["public"]['Enums']["contact_channel"],"contact_id": string,"granted": boolean,"id": number,"method": Database["public"]['Enums']["consent_method"],"note": string | null,"organization_id": string,"recorded_at": string,"recorded_by": string | null
                  }
                  Insert: {
                    "channel"?: Database["public"]['Enums']["contact_channel"],"contact_id": string,"granted": boolean,"id"?: never,"method"?: Database["public"]['Enums']["consent_method"],"note"?: string | null,"organization_id": string,"recorded_at"?: string,"recorded_by"?: string | null
                  }
                  Update: {
                    "channel"?: Database["public"]['Enums']["contact_channel"],"contact_id"?: string,"granted"?: boolean,"id"?: never,"method"?: Database["public"]['Enums']["consent_method"],"note"?: string | null,"organization_id"?: string,"recorded_at"?: string,"recorded_by"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "contact_consents_contact_id_fkey"
      columns: ["contact_id"]
isOneToOne: false
      referencedRelation: "contacts"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "contact_consents_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "contact_consents_recorded_by_fkey"
      columns: ["recorded_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"contact_segments": {
                  Row: {
                    "created_at": string,"created_by": string | null,"description": string | null,"id": string,"name": string,"organization_id": string,"rules": NonNullable<Json>,"updated_at": string
                  }
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"description"?: string | null,"id"?: string,"name": string,"organization_id": string,"rules": NonNullable<Json>,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"description"?: string | null,"id"?: string,"name"?: string,"organization_id"?: string,"rules"?: NonNullable<Json>,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "contact_segments_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "contact_segments_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"contacts": {
                  Row: {
                    "company": string | null,"consented_channels": (Database["public"]['Enums']["contact_channel"])[],"created_at": string,"created_by": string | null,"custom_fields": NonNullable<Json>,"email": string,"full_name": string | null,"id": string,"organization_id": string,"phone": string | null,"profile_id": string | null,"source": string,"tags": (string)[],"updated_at": string
                  }
                  Insert: {
                    "company"?: string | null,"consented_channels"?: (Database["public"]['Enums']["contact_channel"])[],"created_at"?: string,"created_by"?: string | null,"custom_fields"?: NonNullable<Json>,"email": string,"full_name"?: string | null,"id"?: string,"organization_id": string,"phone"?: string | null,"profile_id"?: string | null,"source"?: string,"tags"?: (string)[],"updated_at"?: string
                  }
                  Update: {
                    "company"?: string | null,"consented_channels"?: (Database["public"]['Enums']["contact_channel"])[],"created_at"?: string,"created_by"?: string | null,"custom_fields"?: NonNullable<Json>,"email"?: string,"full_name"?: string | null,"id"?: string,"organization_id"?: string,"phone"?: string | null,"profile_id"?: string | null,"source"?: string,"tags"?: (string)[],"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "contacts_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "contacts_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "contacts_profile_id_fkey"
      columns: ["profile_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"content_flags": {
                  Row: {
                    "created_at": string,"details": string | null,"flagged_by": string,"id": string,"reason": Database["public"]['Enums']["content_flag_reason"],"resolution": Database["public"]['Enums']["content_flag_resolution"] | null,"resolved_at": string | null,"resolved_by": string | null,"target_id": string,"target_kind": string,"weight": number
                  }
                  Insert: {
                    "created_at"?: string,"details"?: string | null,"flagged_by": string,"id"?: string,"reason": Database["public"]['Enums']["content_flag_reason"],"resolution"?: Database["public"]['Enums']["content_flag_resolution"] | null,"resolved_at"?: string | null,"resolved_by"?: string | null,"target_id": string,"target_kind": string,"weight": number
                  }
                  Update: {
                    "created_at"?: string,"details"?: string | null,"flagged_by"?: string,"id"?: string,"reason"?: Database["public"]['Enums']["content_flag_reason"],"resolution"?: Database["public"]['Enums']["content_flag_resolution"] | null,"resolved_at"?: string | null,"resolved_by"?: string | null,"target_id"?: string,"target_kind"?: string,"weight"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "content_flags_flagged_by_fkey"
      columns: ["flagged_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "content_flags_resolved_by_fkey"
      columns: ["resolved_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"course_enrollments": {
                  Row: {
                    "cancelled_at": string | null,"completed_at": string | null,"course_id": string,"currency": string | null,"enrolled_at": string,"id": string,"invoice_id": string | null,"lessons_completed": number,"organization_id": string | null,"paid_at": string | null,"payment_reference": string | null,"price_amount": number,"refunded_at": string | null,"status": Database["public"]['Enums']["enrollment_status"],"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "cancelled_at"?: string | null,"completed_at"?: string | null,"course_id": string,"currency"?: string | null,"enrolled_at"?: string,"id"?: string,"invoice_id"?: string | null,"lessons_completed"?: number,"organization_id"?: string | null,"paid_at"?: string | null,"payment_reference"?: string | null,"price_amount"?: number,"refunded_at"?: string | null,"status": Database["public"]['Enums']["enrollment_status"],"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "cancelled_at"?: string | null,"completed_at"?: string | null,"course_id"?: string,"currency"?: string | null,"enrolled_at"?: string,"id"?: string,"invoice_id"?: string | null,"lessons_completed"?: number,"organization_id"?: string | null,"paid_at"?: string | null,"payment_reference"?: string | null,"price_amount"?: number,"refunded_at"?: string | null,"status"?: Database["public"]['Enums']["enrollment_status"],"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "course_enrollments_course_id_fkey"
      columns: ["course_id"]
isOneToOne: false
      referencedRelation: "courses"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "course_enrollments_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "course_enrollments_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    },{
      foreignKeyName: "course_enrollments_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"course_lessons": {
                  Row: {
                    "content": string | null,"course_id": string | null,"created_at": string,"duration_minutes": number | null,"id": string,"is_preview": boolean,"module_id": string,"organization_id": string | null,"position": number,"title": string,"updated_at": string,"video_url": string | null
                  }
                  Insert: {
                    "content"?: string | null,"course_id"?: string | null,"created_at"?: string,"duration_minutes"?: number | null,"id"?: string,"is_preview"?: boolean,"module_id": string,"organization_id"?: string | null,"position"?: number,"title": string,"updated_at"?: string,"video_url"?: string | null
                  }
                  Update: {
                    "content"?: string | null,"course_id"?: string | null,"created_at"?: string,"duration_minutes"?: number | null,"id"?: string,"is_preview"?: boolean,"module_id"?: string,"organization_id"?: string | null,"position"?: number,"title"?: string,"updated_at"?: string,"video_url"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "course_lessons_module_id_fkey"
      columns: ["module_id"]
isOneToOne: false
      referencedRelation: "course_modules"
      referencedColumns: ["id"]
    }
                  ]
                },"course_modules": {
                  Row: {
                    "course_id": string,"created_at": string,"description": string | null,"id": string,"organization_id": string | null,"position": number,"title": string
                  }
                  Insert: {
                    "course_id": string,"created_at"?: string,"description"?: string | null,"id"?: string,"organization_id"?: string | null,"position"?: number,"title": string
                  }
                  Update: {
                    "course_id"?: string,"created_at"?: string,"description"?: string | null,"id"?: string,"organization_id"?: string | null,"position"?: number,"title"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "course_modules_course_id_fkey"
      columns: ["course_id"]
isOneToOne: false
      referencedRelation: "courses"
      referencedColumns: ["id"]
    }
                  ]
                },"courses": {
                  Row: {
                    "certificate_template_id": string | null,"cover_image_path": string | null,"cpd_category": string | null,"cpd_credits": number,"created_at": string,"created_by": string | null,"currency": string | null,"description": string | null,"id": string,"is_free": boolean | null,"lesson_count": number,"level": Database["public"]['Enums']["skill_level"],"organization_id": string,"price_amount": number,"published_at": string | null,"refund_window_days": number | null,"slug": string,"status": Database["public"]['Enums']["course_status"],"summary": string | null,"title": string,"updated_at": string
                  }
                  Insert: {
                    "certificate_template_id"?: string | null,"cover_image_path"?: string | null,"cpd_category"?: string | null,"cpd_credits"?: number,"created_at"?: string,"created_by"?: string | null,"currency"?: string | null,"description"?: string | null,"id"?: string,"is_free"?: never,"lesson_count"?: number,"level"?: Database["public"]['Enums']["skill_level"],"organization_id": string,"price_amount"?: number,"published_at"?: string | null,"refund_window_days"?: number | null,"slug": string,"status"?: Database["public"]['Enums']["course_status"],"summary"?: string | null,"title": string,"updated_at"?: string
                  }
                  Update: {
                    "certificate_template_id"?: string | null,"cover_image_path"?: string | null,"cpd_category"?: string | null,"cpd_credits"?: number,"created_at"?: string,"created_by"?: string | null,"currency"?: string | null,"description"?: string | null,"id"?: string,"is_free"?: never,"lesson_count"?: number,"level"?: Database["public"]['Enums']["skill_level"],"organization_id"?: string,"price_amount"?: number,"published_at"?: string | null,"refund_window_days"?: number | null,"slug"?: string,"status"?: Database["public"]['Enums']["course_status"],"summary"?: string | null,"title"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "courses_certificate_template_id_fkey"
      columns: ["certificate_template_id"]
isOneToOne: false
      referencedRelation: "certificate_templates"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "courses_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "courses_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"cpd_credit_entries": {
                  Row: {
                    "activity_title": string,"category": string | null,"created_at": string,"credits": number,"earned_at": string,"enrollment_id": string | null,"id": string,"notes": string | null,"organization_id": string | null,"provider_name": string | null,"registration_id": string | null,"source": Database["public"]['Enums']["cpd_source"],"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "activity_title": string,"category"?: string | null,"created_at"?: string,"credits": number,"earned_at": string,"enrollment_id"?: string | null,"id"?: string,"notes"?: string | null,"organization_id"?: string | null,"provider_name"?: string | null,"registration_id"?: string | null,"source"?: Database["public"]['Enums']["cpd_source"],"updated_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "activity_title"?: string,"category"?: string | null,"created_at"?: string,"credits"?: number,"earned_at"?: string,"enrollment_id"?: string | null,"id"?: string,"notes"?: string | null,"organization_id"?: string | null,"provider_name"?: string | null,"registration_id"?: string | null,"source"?: Database["public"]['Enums']["cpd_source"],"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "cpd_credit_entries_enrollment_id_fkey"
      columns: ["enrollment_id"]
isOneToOne: true
      referencedRelation: "course_enrollments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "cpd_credit_entries_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "cpd_credit_entries_registration_id_fkey"
      columns: ["registration_id"]
isOneToOne: true
      referencedRelation: "event_registrations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "cpd_credit_entries_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"email_campaigns": {
                  Row: {
                    "body": string,"cancelled_at": string | null,"clicked_count": number,"contact_ids": (string)[] | null,"created_at": string,"created_by": string | null,"event_id": string | null,"failed_count": number,"finished_at": string | null,"id": string,"name": string,"opened_count": number,"organization_id": string,"queued_at": string | null,"rate_per_minute": number,"recipient_count": number,"scheduled_at": string | null,"segment_id": string | null,"sender_name": string | null,"sent_count": number,"skipped_count": number,"status": Database["public"]['Enums']["campaign_status"],"subject": string,"track_clicks": boolean,"track_opens": boolean,"updated_at": string
                  }
                  Insert: {
                    "body": string,"cancelled_at"?: string | null,"clicked_count"?: number,"contact_ids"?: (string)[] | null,"created_at"?: string,"created_by"?: string | null,"event_id"?: string | null,"failed_count"?: number,"finished_at"?: string | null,"id"?: string,"name": string,"opened_count"?: number,"organization_id": string,"queued_at"?: string | null,"rate_per_minute"?: number,"recipient_count"?: number,"scheduled_at"?: string | null,"segment_id"?: string | null,"sender_name"?: string | null,"sent_count"?: number,"skipped_count"?: number,"status"?: Database["public"]['Enums']["campaign_status"],"subject": string,"track_clicks"?: boolean,"track_opens"?: boolean,"updated_at"?: string
                  }
                  Update: {
                    "body"?: string,"cancelled_at"?: string | null,"clicked_count"?: number,"contact_ids"?: (string)[] | null,"created_at"?: string,"created_by"?: string | null,"event_id"?: string | null,"failed_count"?: number,"finished_at"?: string | null,"id"?: string,"name"?: string,"opened_count"?: number,"organization_id"?: string,"queued_at"?: string | null,"rate_per_minute"?: number,"recipient_count"?: number,"scheduled_at"?: string | null,"segment_id"?: string | null,"sender_name"?: string | null,"sent_count"?: number,"skipped_count"?: number,"status"?: Database["public"]['Enums']["campaign_status"],"subject"?: string,"track_clicks"?: boolean,"track_opens"?: boolean,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "email_campaigns_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "email_campaigns_event_id_fkey"
      columns: ["event_id"]
isOneToOne: false
      referencedRelation: "events"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "email_campaigns_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "email_campaigns_segment_id_fkey"
      columns: ["segment_id"]
isOneToOne: false
      referencedRelation: "contact_segments"
      referencedColumns: ["id"]
    }
                  ]
                },"email_outbox": {
                  Row: {
                    "attempts": number,"campaign_recipient_id": string | null,"claim_id": string | null,"claimed_until": string | null,"created_at": string,"data": NonNullable<Json>,"digest_id": number | null,"digest_period": string | null,"due_at": string | null,"id": number,"last_error": string | null,"locale": string,"max_attempts": number,"message_id": string | null,"notification_id": string | null,"sent_at": string | null,"status": Database["public"]['Enums']["email_status"],"template": string,"to_email": string,"user_id": string | null
                  }
                  Insert: {
                    "attempts"?: number,"campaign_recipient_id"?: string | null,"claim_id"?: string | null,"claimed_until"?: string | null,"created_at"?: string,"data"?: NonNullable<Json>,"digest_id"?: number | null,"digest_period"?: string | null,"due_at"?: string | null,"id"?: never,"last_error"?: string | null,"locale"?: string,"max_attempts"?: number,"message_id"?: string | null,"notification_id"?: string | null,"sent_at"?: string | null,"status"?: Database["public"]['Enums']["email_status"],"template": string,"to_email": string,"user_id"?: string | null
                  }
                  Update: {
                    "attempts"?: number,"campaign_recipient_id"?: string | null,"claim_id"?: string | null,"claimed_until"?: string | null,"created_at"?: string,"data"?: NonNullable<Json>,"digest_id"?: number | null,"digest_period"?: string | null,"due_at"?: string | null,"id"?: never,"last_error"?: string | null,"locale"?: string,"max_attempts"?: number,"message_id"?: string | null,"notification_id"?: string | null,"sent_at"?: string | null,"status"?: Database["public"]['Enums']["email_status"],"template"?: string,"to_email"?: string,"user_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "email_outbox_campaign_recipient_id_fkey"
      columns: ["campaign_recipient_id"]
isOneToOne: false
      referencedRelation: "campaign_recipients"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "email_outbox_digest_id_fkey"
      columns: ["digest_id"]
isOneToOne: false
      referencedRelation: "email_outbox"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "email_outbox_notification_id_fkey"
      columns: ["notification_id"]
isOneToOne: false
      referencedRelation: "notifications"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "email_outbox_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"event_check_ins": {
                  Row: {
                    "checked_in_at": string,"checked_in_by": string | null,"device_id": string | null,"event_id": string,"id": string,"method": Database["public"]['Enums']["check_in_method"],"organization_id": string | null,"recorded_at": string,"registration_id": string,"session_id": string | null,"user_id": string
                  }
                  Insert: {
                    "checked_in_at": string,"checked_in_by"?: string | null,"device_id"?: string | null,"event_id": string,"id"?: string,"method"?: Database["public"]['Enums']["check_in_method"],"organization_id"?: string | null,"recorded_at"?: string,"registration_id": string,"session_id"?: string | null,"user_id": string
                  }
                  Update: {
                    "checked_in_at"?: string,"checked_in_by"?: string | null,"device_id"?: string | null,"event_id"?: string,"id"?: string,"method"?: Database["public"]['Enums']["check_in_method"],"organization_id"?: string | null,"recorded_at"?: string,"registration_id"?: string,"session_id"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "event_check_ins_checked_in_by_fkey"
      columns: ["checked_in_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_check_ins_event_id_fkey"
      columns: ["event_id"]
isOneToOne: false
      referencedRelation: "events"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_check_ins_registration_id_fkey"
      columns: ["registration_id"]
isOneToOne: false
      referencedRelation: "event_registrations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_check_ins_session_id_fkey"
      columns: ["session_id"]
isOneToOne: false
      referencedRelation: "event_sessions"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_check_ins_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"event_join_details": {
                  Row: {
                    "event_id": string,"instructions": string | null,"join_url": string,"meeting_id": string | null,"organization_id": string | null,"passcode": string | null,"updated_at": string
                  }
                  Insert: {
                    "event_id": string,"instructions"?: string | null,"join_url": string,"meeting_id"?: string | null,"organization_id"?: string | null,"passcode"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "event_id"?: string,"instructions"?: string | null,"join_url"?: string,"meeting_id"?: string | null,"organization_id"?: string | null,"passcode"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "event_join_details_event_id_fkey"
      columns: ["event_id"]
isOneToOne: true
      referencedRelation: "events"
      referencedColumns: ["id"]
    }
                  ]
                },"event_media": {
                  Row: {
                    "caption": string | null,"created_at": string,"event_id": string,"id": string,"kind": Database["public"]['Enums']["media_kind"],"organization_id": string | null,"position": number,"storage_path": string
                  }
                  Insert: {
                    "caption"?: string | null,"created_at"?: string,"event_id": string,"id"?: string,"kind"?: Database["public"]['Enums']["media_kind"],"organization_id"?: string | null,"position"?: number,"storage_path": string
                  }
                  Update: {
                    "caption"?: string | null,"created_at"?: string,"event_id"?: string,"id"?: string,"kind"?: Database["public"]['Enums']["media_kind"],"organization_id"?: string | null,"position"?: number,"storage_path"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "event_media_event_id_fkey"
      columns: ["event_id"]
isOneToOne: false
      referencedRelation: "events"
      referencedColumns: ["id"]
    }
                  ]
                },"event_references": {
                  Row: {
                    "created_at": string,"description": string | null,"event_id": string,"id": string,"organization_id": string | null,"position": number,"reference_item_id": string | null,"title": string,"url": string
                  }
                  Insert: {
                    "created_at"?: string,"description"?: string | null,"event_id": string,"id"?: string,"organization_id"?: string | null,"position"?: number,"reference_item_id"?: string | null,"title": string,"url": string
                  }
                  Update: {
                    "created_at"?: string,"description"?: string | null,"event_id"?: string,"id"?: string,"organization_id"?: string | null,"position"?: number,"reference_item_id"?: string | null,"title"?: string,"url"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "event_references_event_id_fkey"
      columns: ["event_id"]
isOneToOne: false
      referencedRelation: "events"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_references_reference_item_id_fkey"
      columns: ["reference_item_id"]
isOneToOne: false
      referencedRelation: "reference_items"
      referencedColumns: ["id"]
    }
                  ]
                },"event_registrations": {
                  Row: {
                    "attended_at": string | null,"cancellation_reason": string | null,"cancelled_at": string | null,"cancelled_by": string | null,"check_in_token": string,"confirmed_at": string | null,"created_at": string,"currency": string | null,"event_id": string,"expired_at": string | null,"hold_expires_at": string | null,"id": string,"invited_by": string | null,"invoice_id": string | null,"offer_expires_at": string | null,"organization_id": string | null,"paid_at": string | null,"payment_reference": string | null,"price_amount": number,"refunded_at": string | null,"status": Database["public"]['Enums']["registration_status"],"transferred_at": string | null,"transferred_from_user_id": string | null,"updated_at": string,"user_id": string,"waitlisted_at": string | null
                  }
                  Insert: {
                    "attended_at"?: string | null,"cancellation_reason"?: string | null,"cancelled_at"?: string | null,"cancelled_by"?: string | null,"check_in_token"?: string,"confirmed_at"?: string | null,"created_at"?: string,"currency"?: string | null,"event_id": string,"expired_at"?: string | null,"hold_expires_at"?: string | null,"id"?: string,"invited_by"?: string | null,"invoice_id"?: string | null,"offer_expires_at"?: string | null,"organization_id"?: string | null,"paid_at"?: string | null,"payment_reference"?: string | null,"price_amount"?: number,"refunded_at"?: string | null,"status": Database["public"]['Enums']["registration_status"],"transferred_at"?: string | null,"transferred_from_user_id"?: string | null,"updated_at"?: string,"user_id": string,"waitlisted_at"?: string | null
                  }
                  Update: {
                    "attended_at"?: string | null,"cancellation_reason"?: string | null,"cancelled_at"?: string | null,"cancelled_by"?: string | null,"check_in_token"?: string,"confirmed_at"?: string | null,"created_at"?: string,"currency"?: string | null,"event_id"?: string,"expired_at"?: string | null,"hold_expires_at"?: string | null,"id"?: string,"invited_by"?: string | null,"invoice_id"?: string | null,"offer_expires_at"?: string | null,"organization_id"?: string | null,"paid_at"?: string | null,"payment_reference"?: string | null,"price_amount"?: number,"refunded_at"?: string | null,"status"?: Database["public"]['Enums']["registration_status"],"transferred_at"?: string | null,"transferred_from_user_id"?: string | null,"updated_at"?: string,"user_id"?: string,"waitlisted_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "event_registrations_cancelled_by_fkey"
      columns: ["cancelled_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_registrations_event_id_fkey"
      columns: ["event_id"]
isOneToOne: false
      referencedRelation: "events"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_registrations_invited_by_fkey"
      columns: ["invited_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_registrations_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_registrations_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    },{
      foreignKeyName: "event_registrations_transferred_from_user_id_fkey"
      columns: ["transferred_from_user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_registrations_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"event_session_join_details": {
                  Row: {
                    "event_id": string,"join_url": string,"meeting_id": string | null,"organization_id": string,"passcode": string | null,"session_id": string,"updated_at": string
                  }
                  Insert: {
                    "event_id": string,"join_url": string,"meeting_id"?: string | null,"organization_id": string,"passcode"?: string | null,"session_id": string,"updated_at"?: string
                  }
                  Update: {
                    "event_id"?: string,"join_url"?: string,"meeting_id"?: string | null,"organization_id"?: string,"passcode"?: string | null,"session_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "event_session_join_details_event_id_fkey"
      columns: ["event_id"]
isOneToOne: false
      referencedRelation: "events"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_session_join_details_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "event_session_join_details_session_id_fkey"
      columns: ["session_id"]
isOneToOne: true
      referencedRelation: "event_sessions"
      referencedColumns: ["id"]
    }
                  ]
                },"event_sessions": {
                  Row: {
                    "created_at": string,"description": string | null,"ends_at": string,"event_id": string,"id": string,"organization_id": string | null,"position": number,"starts_at": string,"title": string,"venue_name": string | null
                  }
                  Insert: {
                    "created_at"?: string,"description"?: string | null,"ends_at": string,"event_id": string,"id"?: string,"organization_id"?: string | null,"position"?: number,"starts_at": string,"title": string,"venue_name"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"description"?: string | null,"ends_at"?: string,"event_id"?: string,"id"?: string,"organization_id"?: string | null,"position"?: number,"starts_at"?: string,"title"?: string,"venue_name"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "event_sessions_event_id_fkey"
      columns: ["event_id"]
isOneToOne: false
      referencedRelation: "events"
      referencedColumns: ["id"]
    }
                  ]
                },"events": {
                  Row: {
                    "allow_transfers": boolean,"attended_count": number,"cancellation_reason": string | null,"cancelled_at": string | null,"capacity": number | null,"category_id": string | null,"certificate_template_id": string | null,"completed_at": string | null,"confirmed_count": number,"cpd_category": string | null,"cpd_credits": number,"created_at": string,"created_by": string | null,"currency": string | null,"description": string | null,"ends_at": string,"format": Database["public"]['Enums']["event_format"],"held_count": number,"id": string,"is_free": boolean | null,"level": Database["public"]['Enums']["skill_level"],"main_image_path": string | null,"members_only": boolean,"organization_id": string | null,"payment_hold_minutes": number,"price_amount": number,"published_at": string | null,"refund_cutoff_hours": number | null,"region_id": string | null,"registration_closed": boolean,"registration_closes_at": string | null,"registration_opens_at": string | null,"slug": string,"starts_at": string,"status": Database["public"]['Enums']["event_status"],"summary": string | null,"time_zone": string,"title": string,"updated_at": string,"venue_address": string | null,"venue_name": string | null,"waitlist_claim_minutes": number,"waitlist_count": number
                  }
                  Insert: {
                    "allow_transfers"?: boolean,"attended_count"?: number,"cancellation_reason"?: string | null,"cancelled_at"?: string | null,"capacity"?: number | null,"category_id"?: string | null,"certificate_template_id"?: string | null,"completed_at"?: string | null,"confirmed_count"?: number,"cpd_category"?: string | null,"cpd_credits"?: number,"created_at"?: string,"created_by"?: string | null,"currency"?: string | null,"description"?: string | null,"ends_at": string,"format"?: Database["public"]['Enums']["event_format"],"held_count"?: number,"id"?: string,"is_free"?: never,"level"?: Database["public"]['Enums']["skill_level"],"main_image_path"?: string | null,"members_only"?: boolean,"organization_id"?: string | null,"payment_hold_minutes"?: number,"price_amount"?: number,"published_at"?: string | null,"refund_cutoff_hours"?: number | null,"region_id"?: string | null,"registration_closed"?: boolean,"registration_closes_at"?: string | null,"registration_opens_at"?: string | null,"slug": string,"starts_at": string,"status"?: Database["public"]['Enums']["event_status"],"summary"?: string | null,"time_zone"?: string,"title": string,"updated_at"?: string,"venue_address"?: string | null,"venue_name"?: string | null,"waitlist_claim_minutes"?: number,"waitlist_count"?: number
                  }
                  Update: {
                    "allow_transfers"?: boolean,"attended_count"?: number,"cancellation_reason"?: string | null,"cancelled_at"?: string | null,"capacity"?: number | null,"category_id"?: string | null,"certificate_template_id"?: string | null,"completed_at"?: string | null,"confirmed_count"?: number,"cpd_category"?: string | null,"cpd_credits"?: number,"created_at"?: string,"created_by"?: string | null,"currency"?: string | null,"description"?: string | null,"ends_at"?: string,"format"?: Database["public"]['Enums']["event_format"],"held_count"?: number,"id"?: string,"is_free"?: never,"level"?: Database["public"]['Enums']["skill_level"],"main_image_path"?: string | null,"members_only"?: boolean,"organization_id"?: string | null,"payment_hold_minutes"?: number,"price_amount"?: number,"published_at"?: string | null,"refund_cutoff_hours"?: number | null,"region_id"?: string | null,"registration_closed"?: boolean,"registration_closes_at"?: string | null,"registration_opens_at"?: string | null,"slug"?: string,"starts_at"?: string,"status"?: Database["public"]['Enums']["event_status"],"summary"?: string | null,"time_zone"?: string,"title"?: string,"updated_at"?: string,"venue_address"?: string | null,"venue_name"?: string | null,"waitlist_claim_minutes"?: number,"waitlist_count"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "events_category_id_fkey"
      columns: ["category_id"]
isOneToOne: false
      referencedRelation: "reference_items"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "events_certificate_template_id_fkey"
      columns: ["certificate_template_id"]
isOneToOne: false
      referencedRelation: "certificate_templates"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "events_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "events_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "events_region_id_fkey"
      columns: ["region_id"]
isOneToOne: false
      referencedRelation: "reference_items"
      referencedColumns: ["id"]
    }
                  ]
                },"expert_verifications": {
                  Row: {
                    "created_at": string,"decided_at": string | null,"decided_by": string | null,"decision_reason": string | null,"document_paths": (string)[],"expertise_areas": (string)[],"id": string,"statement": string | null,"status": Database["public"]['Enums']["expert_verification_status"],"updated_at": string,"user_id": string,"years_of_experience": number
                  }
                  Insert: {
                    "created_at"?: string,"decided_at"?: string | null,"decided_by"?: string | null,"decision_reason"?: string | null,"document_paths"?: (string)[],"expertise_areas": (string)[],"id"?: string,"statement"?: string | null,"status"?: Database["public"]['Enums']["expert_verification_status"],"updated_at"?: string,"user_id": string,"years_of_experience": number
                  }
                  Update: {
                    "created_at"?: string,"decided_at"?: string | null,"decided_by"?: string | null,"decision_reason"?: string | null,"document_paths"?: (string)[],"expertise_areas"?: (string)[],"id"?: string,"statement"?: string | null,"status"?: Database["public"]['Enums']["expert_verification_status"],"updated_at"?: string,"user_id"?: string,"years_of_experience"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "expert_verifications_decided_by_fkey"
      columns: ["decided_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "expert_verifications_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"forum_categories": {
                  Row: {
                    "created_at": string,"description": string | null,"icon": string | null,"id": string,"is_active": boolean,"name": string,"slug": string,"sort_order": number,"updated_at": string
                  }
                  Insert: {
                    "created_at"?: string,"description"?: string | null,"icon"?: string | null,"id"?: string,"is_active"?: boolean,"name": string,"slug": string,"sort_order"?: number,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"description"?: string | null,"icon"?: string | null,"id"?: string,"is_active"?: boolean,"name"?: string,"slug"?: string,"sort_order"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"forum_experts": {
                  Row: {
                    "accepted_answers": number,"expertise_areas": (string)[],"helpful_votes_received": number,"user_id": string,"verification_id": string,"verified_at": string,"years_of_experience": number
                  }
                  Insert: {
                    "accepted_answers"?: number,"expertise_areas": (string)[],"helpful_votes_received"?: number,"user_id": string,"verification_id": string,"verified_at"?: string,"years_of_experience": number
                  }
                  Update: {
                    "accepted_answers"?: number,"expertise_areas"?: (string)[],"helpful_votes_received"?: number,"user_id"?: string,"verification_id"?: string,"verified_at"?: string,"years_of_experience"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "forum_experts_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "forum_experts_verification_id_fkey"
      columns: ["verification_id"]
isOneToOne: true
      referencedRelation: "expert_verifications"
      referencedColumns: ["id"]
    }
                  ]
                },"forum_moderators": {
                  Row: {
                    "granted_at": string,"granted_by": string | null,"user_id": string
                  }
                  Insert: {
                    "granted_at"?: string,"granted_by"?: string | null,"user_id": string
                  }
                  Update: {
                    "granted_at"?: string,"granted_by"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "forum_moderators_granted_by_fkey"
      columns: ["granted_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "forum_moderators_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"forum_response_votes": {
                  Row: {
                    "created_at": string,"is_helpful": boolean,"response_id": string,"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "created_at"?: string,"is_helpful": boolean,"response_id": string,"updated_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "created_at"?: string,"is_helpful"?: boolean,"response_id"?: string,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "forum_response_votes_response_id_fkey"
      columns: ["response_id"]
isOneToOne: false
      referencedRelation: "forum_responses"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "forum_response_votes_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"forum_responses": {
                  Row: {
                    "accepted_at": string | null,"accepted_by": string | null,"ai_generated": boolean,"author_id": string | null,"body": string,"created_at": string,"edited_at": string | null,"helpful_count": number,"id": string,"is_accepted": boolean,"is_expert": boolean,"moderation_state": Database["public"]['Enums']["forum_moderation_state"],"thread_id": string,"unhelpful_count": number,"updated_at": string
                  }
                  Insert: {
                    "accepted_at"?: string | null,"accepted_by"?: string | null,"ai_generated"?: boolean,"author_id"?: string | null,"body": string,"created_at"?: string,"edited_at"?: string | null,"helpful_count"?: number,"id"?: string,"is_accepted"?: boolean,"is_expert"?: boolean,"moderation_state"?: Database["public"]['Enums']["forum_moderation_state"],"thread_id": string,"unhelpful_count"?: number,"updated_at"?: string
                  }
                  Update: {
                    "accepted_at"?: string | null,"accepted_by"?: string | null,"ai_generated"?: boolean,"author_id"?: string | null,"body"?: string,"created_at"?: string,"edited_at"?: string | null,"helpful_count"?: number,"id"?: string,"is_accepted"?: boolean,"is_expert"?: boolean,"moderation_state"?: Database["public"]['Enums']["forum_moderation_state"],"thread_id"?: string,"unhelpful_count"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "forum_responses_accepted_by_fkey"
      columns: ["accepted_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "forum_responses_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "forum_responses_thread_id_fkey"
      columns: ["thread_id"]
isOneToOne: false
      referencedRelation: "forum_threads"
      referencedColumns: ["id"]
    }
                  ]
                },"forum_thread_follows": {
                  Row: {
                    "created_at": string,"thread_id": string,"user_id": string
                  }
                  Insert: {
                    "created_at"?: string,"thread_id": string,"user_id"?: string
                  }
                  Update: {
                    "created_at"?: string,"thread_id"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "forum_thread_follows_thread_id_fkey"
      columns: ["thread_id"]
isOneToOne: false
      referencedRelation: "forum_threads"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "forum_thread_follows_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"forum_threads": {
                  Row: {
                    "accepted_count": number,"author_id": string,"body": string,"car_make": string | null,"car_model": string | null,"car_year": number | null,"category_id": string,"closed_at": string | null,"created_at": string,"edited_at": string | null,"id": string,"is_featured": boolean,"is_pinned": boolean,"last_activity_at": string,"moderation_state": Database["public"]['Enums']["forum_moderation_state"],"resolved_at": string | null,"response_count": number,"search": unknown,"status": Database["public"]['Enums']["forum_thread_status"],"title": string,"updated_at": string,"view_count": number
                  }
                  Insert: {
                    "accepted_count"?: number,"author_id"?: string,"body": string,"car_make"?: string | null,"car_model"?: string | null,"car_year"?: number | null,"category_id": string,"closed_at"?: string | null,"created_at"?: string,"edited_at"?: string | null,"id"?: string,"is_featured"?: boolean,"is_pinned"?: boolean,"last_activity_at"?: string,"moderation_state"?: Database["public"]['Enums']["forum_moderation_state"],"resolved_at"?: string | null,"response_count"?: number,"search"?: never,"status"?: Database["public"]['Enums']["forum_thread_status"],"title": string,"updated_at"?: string,"view_count"?: number
                  }
                  Update: {
                    "accepted_count"?: number,"author_id"?: string,"body"?: string,"car_make"?: string | null,"car_model"?: string | null,"car_year"?: number | null,"category_id"?: string,"closed_at"?: string | null,"created_at"?: string,"edited_at"?: string | null,"id"?: string,"is_featured"?: boolean,"is_pinned"?: boolean,"last_activity_at"?: string,"moderation_state"?: Database["public"]['Enums']["forum_moderation_state"],"resolved_at"?: string | null,"response_count"?: number,"search"?: never,"status"?: Database["public"]['Enums']["forum_thread_status"],"title"?: string,"updated_at"?: string,"view_count"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "forum_threads_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "forum_threads_category_id_fkey"
      columns: ["category_id"]
isOneToOne: false
      referencedRelation: "forum_categories"
      referencedColumns: ["id"]
    }
                  ]
                },"invoice_events": {
                  Row: {
                    "created_at": string,"detail": NonNullable<Json>,"id": number,"invoice_id": string,"kind": string,"organization_id": string | null,"user_id": string
                  }
                  Insert: {
                    "created_at"?: string,"detail"?: NonNullable<Json>,"id"?: never,"invoice_id": string,"kind": string,"organization_id"?: string | null,"user_id": string
                  }
                  Update: {
                    "created_at"?: string,"detail"?: NonNullable<Json>,"id"?: never,"invoice_id"?: string,"kind"?: string,"organization_id"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "invoice_events_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "invoice_events_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    }
                  ]
                },"invoice_items": {
                  Row: {
                    "amount": number | null,"course_enrollment_id": string | null,"created_at": string,"currency": string,"description": string,"event_registration_id": string | null,"fulfilled_at": string | null,"id": string,"invoice_id": string,"kind": Database["public"]['Enums']["invoice_item_kind"],"membership_id": string | null,"organization_id": string | null,"product_id": string | null,"quantity": number,"refunded_at": string | null,"reserved_quantity": number,"unit_amount": number,"user_id": string
                  }
                  Insert: {
                    "amount"?: never,"course_enrollment_id"?: string | null,"created_at"?: string,"currency": string,"description": string,"event_registration_id"?: string | null,"fulfilled_at"?: string | null,"id"?: string,"invoice_id": string,"kind": Database["public"]['Enums']["invoice_item_kind"],"membership_id"?: string | null,"organization_id"?: string | null,"product_id"?: string | null,"quantity"?: number,"refunded_at"?: string | null,"reserved_quantity"?: number,"unit_amount": number,"user_id": string
                  }
                  Update: {
                    "amount"?: never,"course_enrollment_id"?: string | null,"created_at"?: string,"currency"?: string,"description"?: string,"event_registration_id"?: string | null,"fulfilled_at"?: string | null,"id"?: string,"invoice_id"?: string,"kind"?: Database["public"]['Enums']["invoice_item_kind"],"membership_id"?: string | null,"organization_id"?: string | null,"product_id"?: string | null,"quantity"?: number,"refunded_at"?: string | null,"reserved_quantity"?: number,"unit_amount"?: number,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "invoice_items_course_enrollment_id_fkey"
      columns: ["course_enrollment_id"]
isOneToOne: false
      referencedRelation: "course_enrollments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "invoice_items_event_registration_id_fkey"
      columns: ["event_registration_id"]
isOneToOne: false
      referencedRelation: "event_registrations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "invoice_items_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "invoice_items_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    },{
      foreignKeyName: "invoice_items_membership_id_fkey"
      columns: ["membership_id"]
isOneToOne: false
      referencedRelation: "memberships"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "invoice_items_product_id_fkey"
      columns: ["product_id"]
isOneToOne: false
      referencedRelation: "products"
      referencedColumns: ["id"]
    }
                  ]
                },"invoices": {
                  Row: {
                    "amount_paid": number,"amount_refunded": number,"channel": string | null,"channel_desc": string | null,"checkout_url": string | null,"created_at": string,"currency": string,"description": string | null,"expired_at": string | null,"expires_at": string,"id": string,"number": string,"organization_id": string | null,"paid_at": string | null,"provider": Database["public"]['Enums']["payment_provider"] | null,"provider_payment_id": string | null,"provider_reference": string | null,"receipt_path": string | null,"refunded_at": string | null,"status": Database["public"]['Enums']["invoice_status"],"status_desc": string | null,"total_amount": number,"updated_at": string,"user_id": string,"va_number": string | null,"voided_at": string | null
                  }
                  Insert: {
                    "amount_paid"?: number,"amount_refunded"?: number,"channel"?: string | null,"channel_desc"?: string | null,"checkout_url"?: string | null,"created_at"?: string,"currency": string,"description"?: string | null,"expired_at"?: string | null,"expires_at": string,"id"?: string,"number"?: string,"organization_id"?: string | null,"paid_at"?: string | null,"provider"?: Database["public"]['Enums']["payment_provider"] | null,"provider_payment_id"?: string | null,"provider_reference"?: string | null,"receipt_path"?: string | null,"refunded_at"?: string | null,"status"?: Database["public"]['Enums']["invoice_status"],"status_desc"?: string | null,"total_amount"?: number,"updated_at"?: string,"user_id": string,"va_number"?: string | null,"voided_at"?: string | null
                  }
                  Update: {
                    "amount_paid"?: number,"amount_refunded"?: number,"channel"?: string | null,"channel_desc"?: string | null,"checkout_url"?: string | null,"created_at"?: string,"currency"?: string,"description"?: string | null,"expired_at"?: string | null,"expires_at"?: string,"id"?: string,"number"?: string,"organization_id"?: string | null,"paid_at"?: string | null,"provider"?: Database["public"]['Enums']["payment_provider"] | null,"provider_payment_id"?: string | null,"provider_reference"?: string | null,"receipt_path"?: string | null,"refunded_at"?: string | null,"status"?: Database["public"]['Enums']["invoice_status"],"status_desc"?: string | null,"total_amount"?: number,"updated_at"?: string,"user_id"?: string,"va_number"?: string | null,"voided_at"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "invoices_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "invoices_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"learning_path_courses": {
                  Row: {
                    "course_id": string,"learning_path_id": string,"organization_id": string | null,"position": number
                  }
                  Insert: {
                    "course_id": string,"learning_path_id": string,"organization_id"?: string | null,"position"?: number
                  }
                  Update: {
                    "course_id"?: string,"learning_path_id"?: string,"organization_id"?: string | null,"position"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "learning_path_courses_course_id_fkey"
      columns: ["course_id"]
isOneToOne: false
      referencedRelation: "courses"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "learning_path_courses_learning_path_id_fkey"
      columns: ["learning_path_id"]
isOneToOne: false
      referencedRelation: "learning_paths"
      referencedColumns: ["id"]
    }
                  ]
                },"learning_paths": {
                  Row: {
                    "created_at": string,"created_by": string | null,"description": string | null,"id": string,"organization_id": string,"slug": string,"status": Database["public"]['Enums']["course_status"],"title": string,"updated_at": string
                  }
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"description"?: string | null,"id"?: string,"organization_id": string,"slug": string,"status"?: Database["public"]['Enums']["course_status"],"title": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"description"?: string | null,"id"?: string,"organization_id"?: string,"slug"?: string,"status"?: Database["public"]['Enums']["course_status"],"title"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "learning_paths_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "learning_paths_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"lesson_progress": {
                  Row: {
                    "completed_at": string,"enrollment_id": string,"lesson_id": string,"organization_id": string | null,"user_id": string
                  }
                  Insert: {
                    "completed_at"?: string,"enrollment_id": string,"lesson_id": string,"organization_id"?: string | null,"user_id": string
                  }
                  Update: {
                    "completed_at"?: string,"enrollment_id"?: string,"lesson_id"?: string,"organization_id"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "lesson_progress_enrollment_id_fkey"
      columns: ["enrollment_id"]
isOneToOne: false
      referencedRelation: "course_enrollments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "lesson_progress_lesson_id_fkey"
      columns: ["lesson_id"]
isOneToOne: false
      referencedRelation: "course_lessons"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "lesson_progress_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"listing_comment_likes": {
                  Row: {
                    "comment_id": string,"created_at": string,"user_id": string
                  }
                  Insert: {
                    "comment_id": string,"created_at"?: string,"user_id"?: string
                  }
                  Update: {
                    "comment_id"?: string,"created_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "listing_comment_likes_comment_id_fkey"
      columns: ["comment_id"]
isOneToOne: false
      referencedRelation: "listing_comments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "listing_comment_likes_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"listing_comments": {
                  Row: {
                    "author_id": string,"body": string,"car_listing_id": string | null,"created_at": string,"edited_at": string | null,"id": string,"like_count": number,"listing_id": string | null,"moderation_state": Database["public"]['Enums']["forum_moderation_state"],"parent_id": string | null,"part_listing_id": string | null,"reply_count": number
                  }
                  Insert: {
                    "author_id"?: string,"body": string,"car_listing_id"?: string | null,"created_at"?: string,"edited_at"?: string | null,"id"?: string,"like_count"?: number,"listing_id"?: never,"moderation_state"?: Database["public"]['Enums']["forum_moderation_state"],"parent_id"?: string | null,"part_listing_id"?: string | null,"reply_count"?: number
                  }
                  Update: {
                    "author_id"?: string,"body"?: string,"car_listing_id"?: string | null,"created_at"?: string,"edited_at"?: string | null,"id"?: string,"like_count"?: number,"listing_id"?: never,"moderation_state"?: Database["public"]['Enums']["forum_moderation_state"],"parent_id"?: string | null,"part_listing_id"?: string | null,"reply_count"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "listing_comments_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "listing_comments_car_listing_id_fkey"
      columns: ["car_listing_id"]
isOneToOne: false
      referencedRelation: "car_listings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "listing_comments_parent_id_fkey"
      columns: ["parent_id"]
isOneToOne: false
      referencedRelation: "listing_comments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "listing_comments_part_listing_id_fkey"
      columns: ["part_listing_id"]
isOneToOne: false
      referencedRelation: "part_listings"
      referencedColumns: ["id"]
    }
                  ]
                },"listing_images": {
                  Row: {
                    "alt_text": string | null,"car_listing_id": string | null,"created_at": string,"id": string,"is_primary": boolean,"listing_id": string | null,"part_listing_id": string | null,"position": number,"storage_path": string
                  }
                  Insert: {
                    "alt_text"?: string | null,"car_listing_id"?: string | null,"created_at"?: string,"id"?: string,"is_primary"?: boolean,"listing_id"?: never,"part_listing_id"?: string | null,"position"?: number,"storage_path": string
                  }
                  Update: {
                    "alt_text"?: string | null,"car_listing_id"?: string | null,"created_at"?: string,"id"?: string,"is_primary"?: boolean,"listing_id"?: never,"part_listing_id"?: string | null,"position"?: number,"storage_path"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "listing_images_car_listing_id_fkey"
      columns: ["car_listing_id"]
isOneToOne: false
      referencedRelation: "car_listings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "listing_images_part_listing_id_fkey"
      columns: ["part_listing_id"]
isOneToOne: false
      referencedRelation: "part_listings"
      referencedColumns: ["id"]
    }
                  ]
                },"location_services": {
                  Row: {
                    "code": string,"created_at": string,"description": string | null,"duration_minutes": number,"id": string,"is_active": boolean,"location_id": string,"name": string,"price_amount": number,"updated_at": string
                  }
                  Insert: {
                    "code": string,"created_at"?: string,"description"?: string | null,"duration_minutes": number,"id"?: string,"is_active"?: boolean,"location_id": string,"name": string,"price_amount": number,"updated_at"?: string
                  }
                  Update: {
                    "code"?: string,"created_at"?: string,"description"?: string | null,"duration_minutes"?: number,"id"?: string,"is_active"?: boolean,"location_id"?: string,"name"?: string,"price_amount"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "location_services_location_id_fkey"
      columns: ["location_id"]
isOneToOne: false
      referencedRelation: "service_locations"
      referencedColumns: ["id"]
    }
                  ]
                },"member_files": {
                  Row: {
                    "content_type": string,"created_at": string,"file_name": string,"id": string,"purpose": Database["public"]['Enums']["member_file_purpose"],"size_bytes": number,"storage_path": string,"user_id": string
                  }
                  Insert: {
                    "content_type": string,"created_at"?: string,"file_name": string,"id"?: string,"purpose"?: Database["public"]['Enums']["member_file_purpose"],"size_bytes": number,"storage_path": string,"user_id": string
                  }
                  Update: {
                    "content_type"?: string,"created_at"?: string,"file_name"?: string,"id"?: string,"purpose"?: Database["public"]['Enums']["member_file_purpose"],"size_bytes"?: number,"storage_path"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "member_files_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"membership_plans": {
                  Row: {
                    "benefits": (string)[],"code": string,"created_at": string,"currency": string,"description": string | null,"id": string,"is_active": boolean,"name": string,"period_months": number,"price_amount": number,"referee_reward_points": number,"referral_refund_window_days": number,"referrer_reward_points": number,"tier_rank": number,"updated_at": string
                  }
                  Insert: {
                    "benefits"?: (string)[],"code": string,"created_at"?: string,"currency"?: string,"description"?: string | null,"id"?: string,"is_active"?: boolean,"name": string,"period_months"?: number,"price_amount": number,"referee_reward_points"?: number,"referral_refund_window_days"?: number,"referrer_reward_points"?: number,"tier_rank"?: number,"updated_at"?: string
                  }
                  Update: {
                    "benefits"?: (string)[],"code"?: string,"created_at"?: string,"currency"?: string,"description"?: string | null,"id"?: string,"is_active"?: boolean,"name"?: string,"period_months"?: number,"price_amount"?: number,"referee_reward_points"?: number,"referral_refund_window_days"?: number,"referrer_reward_points"?: number,"tier_rank"?: number,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"memberships": {
                  Row: {
                    "created_at": string,"ended_at": string | null,"ends_at": string | null,"grant_reason": string | null,"granted_by": string | null,"id": string,"invoice_id": string | null,"plan_id": string,"starts_at": string | null,"status": Database["public"]['Enums']["membership_status"],"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "created_at"?: string,"ended_at"?: string | null,"ends_at"?: string | null,"grant_reason"?: string | null,"granted_by"?: string | null,"id"?: string,"invoice_id"?: string | null,"plan_id": string,"starts_at"?: string | null,"status"?: Database["public"]['Enums']["membership_status"],"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "created_at"?: string,"ended_at"?: string | null,"ends_at"?: string | null,"grant_reason"?: string | null,"granted_by"?: string | null,"id"?: string,"invoice_id"?: string | null,"plan_id"?: string,"starts_at"?: string | null,"status"?: Database["public"]['Enums']["membership_status"],"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "memberships_granted_by_fkey"
      columns: ["granted_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "memberships_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "memberships_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    },{
      foreignKeyName: "memberships_plan_id_fkey"
      columns: ["plan_id"]
isOneToOne: false
      referencedRelation: "membership_plans"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "memberships_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"moderation_actions": {
                  Row: {
                    "action": Database["public"]['Enums']["moderation_action_kind"],"actor_id": string | null,"created_at": string,"details": NonNullable<Json>,"id": string,"reason": string | null,"subject_user_id": string | null,"target_id": string | null,"target_kind": string | null
                  }
                  Insert: {
                    "action": Database["public"]['Enums']["moderation_action_kind"],"actor_id"?: string | null,"created_at"?: string,"details"?: NonNullable<Json>,"id"?: string,"reason"?: string | null,"subject_user_id"?: string | null,"target_id"?: string | null,"target_kind"?: string | null
                  }
                  Update: {
                    "action"?: Database["public"]['Enums']["moderation_action_kind"],"actor_id"?: string | null,"created_at"?: string,"details"?: NonNullable<Json>,"id"?: string,"reason"?: string | null,"subject_user_id"?: string | null,"target_id"?: string | null,"target_kind"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "moderation_actions_actor_id_fkey"
      columns: ["actor_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "moderation_actions_subject_user_id_fkey"
      columns: ["subject_user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"moderation_items": {
                  Row: {
                    "author_id": string | null,"decided_at": string | null,"decided_by": string | null,"decision_reason": string | null,"first_flagged_at": string | null,"last_flagged_at": string | null,"open_flags": number,"open_weight": number,"state": Database["public"]['Enums']["forum_moderation_state"],"target_id": string,"target_kind": string
                  }
                  Insert: {
                    "author_id"?: string | null,"decided_at"?: string | null,"decided_by"?: string | null,"decision_reason"?: string | null,"first_flagged_at"?: string | null,"last_flagged_at"?: string | null,"open_flags"?: number,"open_weight"?: number,"state"?: Database["public"]['Enums']["forum_moderation_state"],"target_id": string,"target_kind": string
                  }
                  Update: {
                    "author_id"?: string | null,"decided_at"?: string | null,"decided_by"?: string | null,"decision_reason"?: string | null,"first_flagged_at"?: string | null,"last_flagged_at"?: string | null,"open_flags"?: number,"open_weight"?: number,"state"?: Database["public"]['Enums']["forum_moderation_state"],"target_id"?: string,"target_kind"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "moderation_items_author_id_fkey"
      columns: ["author_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "moderation_items_decided_by_fkey"
      columns: ["decided_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"notification_preferences": {
                  Row: {
                    "email": boolean,"in_app": boolean,"type": string,"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "email": boolean,"in_app": boolean,"type": string,"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "email"?: boolean,"in_app"?: boolean,"type"?: string,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "notification_preferences_type_fkey"
      columns: ["type"]
isOneToOne: false
      referencedRelation: "notification_types"
      referencedColumns: ["type"]
    },{
      foreignKeyName: "notification_preferences_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"notification_settings": {
                  Row: {
                    "email_frequency": Database["public"]['Enums']["email_frequency"],"locale": string,"quiet_hours_end": string | null,"quiet_hours_start": string | null,"time_zone": string,"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "email_frequency"?: Database["public"]['Enums']["email_frequency"],"locale"?: string,"quiet_hours_end"?: string | null,"quiet_hours_start"?: string | null,"time_zone"?: string,"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "email_frequency"?: Database["public"]['Enums']["email_frequency"],"locale"?: string,"quiet_hours_end"?: string | null,"quiet_hours_start"?: string | null,"time_zone"?: string,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "notification_settings_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"notification_types": {
                  Row: {
                    "default_email": boolean,"default_in_app": boolean,"description": string,"essential": boolean,"required_data": (string)[],"type": string
                  }
                  Insert: {
                    "default_email"?: boolean,"default_in_app"?: boolean,"description": string,"essential"?: boolean,"required_data"?: (string)[],"type": string
                  }
                  Update: {
                    "default_email"?: boolean,"default_in_app"?: boolean,"description"?: string,"essential"?: boolean,"required_data"?: (string)[],"type"?: string
                  }
                  Relationships: [
                    
                  ]
                },"notifications": {
                  Row: {
                    "action_url": string | null,"body": string | null,"created_at": string,"data": NonNullable<Json>,"id": string,"read_at": string | null,"subject_id": string | null,"subject_kind": string | null,"title": string,"type": string,"user_id": string
                  }
                  Insert: {
                    "action_url"?: string | null,"body"?: string | null,"created_at"?: string,"data"?: NonNullable<Json>,"id"?: string,"read_at"?: string | null,"subject_id"?: string | null,"subject_kind"?: string | null,"title": string,"type": string,"user_id": string
                  }
                  Update: {
                    "action_url"?: string | null,"body"?: string | null,"created_at"?: string,"data"?: NonNullable<Json>,"id"?: string,"read_at"?: string | null,"subject_id"?: string | null,"subject_kind"?: string | null,"title"?: string,"type"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "notifications_type_fkey"
      columns: ["type"]
isOneToOne: false
      referencedRelation: "notification_types"
      referencedColumns: ["type"]
    },{
      foreignKeyName: "notifications_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"obd_dongles": {
                  Row: {
                    "connection_type": Database["public"]['Enums']["dongle_connection_type"],"created_at": string,"id": string,"last_seen_at": string | null,"linked_at": string | null,"owner_id": string,"serial": string,"token_issued_at": string | null,"token_revoked_at": string | null,"updated_at": string,"vehicle_id": string | null
                  }
                  Insert: {
                    "connection_type": Database["public"]['Enums']["dongle_connection_type"],"created_at"?: string,"id"?: string,"last_seen_at"?: string | null,"linked_at"?: string | null,"owner_id": string,"serial": string,"token_issued_at"?: string | null,"token_revoked_at"?: string | null,"updated_at"?: string,"vehicle_id"?: string | null
                  }
                  Update: {
                    "connection_type"?: Database["public"]['Enums']["dongle_connection_type"],"created_at"?: string,"id"?: string,"last_seen_at"?: string | null,"linked_at"?: string | null,"owner_id"?: string,"serial"?: string,"token_issued_at"?: string | null,"token_revoked_at"?: string | null,"updated_at"?: string,"vehicle_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "obd_dongles_owner_id_fkey"
      columns: ["owner_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "obd_dongles_vehicle_id_fkey"
      columns: ["vehicle_id"]
isOneToOne: true
      referencedRelation: "vehicles"
      referencedColumns: ["id"]
    }
                  ]
                },"offer_locations": {
                  Row: {
                    "created_at": string,"location_id": string,"offer_id": string
                  }
                  Insert: {
                    "created_at"?: string,"location_id": string,"offer_id": string
                  }
                  Update: {
                    "created_at"?: string,"location_id"?: string,"offer_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "offer_locations_location_id_fkey"
      columns: ["location_id"]
isOneToOne: false
      referencedRelation: "service_locations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "offer_locations_offer_id_fkey"
      columns: ["offer_id"]
isOneToOne: false
      referencedRelation: "offers"
      referencedColumns: ["id"]
    }
                  ]
                },"offer_redemptions": {
                  Row: {
                    "id": string,"location_id": string | null,"offer_id": string,"redeem_once": boolean,"redeemed_at": string,"user_id": string,"vehicle_id": string | null
                  }
                  Insert: {
                    "id"?: string,"location_id"?: string | null,"offer_id": string,"redeem_once": boolean,"redeemed_at"?: string,"user_id": string,"vehicle_id"?: string | null
                  }
                  Update: {
                    "id"?: string,"location_id"?: string | null,"offer_id"?: string,"redeem_once"?: boolean,"redeemed_at"?: string,"user_id"?: string,"vehicle_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "offer_redemptions_location_id_fkey"
      columns: ["location_id"]
isOneToOne: false
      referencedRelation: "service_locations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "offer_redemptions_offer_id_fkey"
      columns: ["offer_id"]
isOneToOne: false
      referencedRelation: "offers"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "offer_redemptions_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "offer_redemptions_vehicle_id_fkey"
      columns: ["vehicle_id"]
isOneToOne: false
      referencedRelation: "vehicles"
      referencedColumns: ["id"]
    }
                  ]
                },"offers": {
                  Row: {
                    "created_at": string,"created_by": string | null,"description": string | null,"eligible_tiers": (string)[],"expires_at": string,"id": string,"is_active": boolean,"organization_id": string | null,"redeem_once": boolean,"starts_at": string,"terms": string | null,"title": string,"updated_at": string,"vehicle_fuel_types": (Database["public"]['Enums']["fuel_type"])[],"vehicle_make": string | null,"vehicle_model": string | null,"vehicle_year_from": number | null,"vehicle_year_to": number | null
                  }
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"description"?: string | null,"eligible_tiers"?: (string)[],"expires_at": string,"id"?: string,"is_active"?: boolean,"organization_id"?: string | null,"redeem_once"?: boolean,"starts_at"?: string,"terms"?: string | null,"title": string,"updated_at"?: string,"vehicle_fuel_types"?: (Database["public"]['Enums']["fuel_type"])[],"vehicle_make"?: string | null,"vehicle_model"?: string | null,"vehicle_year_from"?: number | null,"vehicle_year_to"?: number | null
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"description"?: string | null,"eligible_tiers"?: (string)[],"expires_at"?: string,"id"?: string,"is_active"?: boolean,"organization_id"?: string | null,"redeem_once"?: boolean,"starts_at"?: string,"terms"?: string | null,"title"?: string,"updated_at"?: string,"vehicle_fuel_types"?: (Database["public"]['Enums']["fuel_type"])[],"vehicle_make"?: string | null,"vehicle_model"?: string | null,"vehicle_year_from"?: number | null,"vehicle_year_to"?: number | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "offers_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "offers_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"organization_invitations": {
                  Row: {
                    "code": string,"created_at": string,"email": string | null,"expires_at": string,"id": string,"invited_by": string | null,"is_person_in_charge": boolean,"message": string | null,"organization_id": string,"responded_at": string | null,"responded_by": string | null,"role": Database["public"]['Enums']["organization_role"],"status": Database["public"]['Enums']["invitation_status"]
                  }
                  Insert: {
                    "code"?: string,"created_at"?: string,"email"?: string | null,"expires_at"?: string,"id"?: string,"invited_by"?: string | null,"is_person_in_charge"?: boolean,"message"?: string | null,"organization_id": string,"responded_at"?: string | null,"responded_by"?: string | null,"role"?: Database["public"]['Enums']["organization_role"],"status"?: Database["public"]['Enums']["invitation_status"]
                  }
                  Update: {
                    "code"?: string,"created_at"?: string,"email"?: string | null,"expires_at"?: string,"id"?: string,"invited_by"?: string | null,"is_person_in_charge"?: boolean,"message"?: string | null,"organization_id"?: string,"responded_at"?: string | null,"responded_by"?: string | null,"role"?: Database["public"]['Enums']["organization_role"],"status"?: Database["public"]['Enums']["invitation_status"]
                  }
                  Relationships: [
                    {
      foreignKeyName: "organization_invitations_invited_by_fkey"
      columns: ["invited_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "organization_invitations_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "organization_invitations_responded_by_fkey"
      columns: ["responded_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"organization_members": {
                  Row: {
                    "id": string,"invited_by": string | null,"is_person_in_charge": boolean,"joined_at": string,"organization_id": string,"role": Database["public"]['Enums']["organization_role"],"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "id"?: string,"invited_by"?: string | null,"is_person_in_charge"?: boolean,"joined_at"?: string,"organization_id": string,"role"?: Database["public"]['Enums']["organization_role"],"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "id"?: string,"invited_by"?: string | null,"is_person_in_charge"?: boolean,"joined_at"?: string,"organization_id"?: string,"role"?: Database["public"]['Enums']["organization_role"],"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "organization_members_invited_by_fkey"
      columns: ["invited_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "organization_members_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "organization_members_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"organizations": {
                  Row: {
                    "address": string | null,"city": string | null,"contact_name": string | null,"contact_phone": string | null,"country_code": string | null,"created_at": string,"created_by": string,"description": string | null,"display_name": string,"email": string | null,"id": string,"is_verified": boolean,"kind": Database["public"]['Enums']["organization_kind"],"logo_path": string | null,"member_count": number,"slug": string,"updated_at": string,"verification_status": Database["public"]['Enums']["verification_status"],"website_url": string | null
                  }
                  Insert: {
                    "address"?: string | null,"city"?: string | null,"contact_name"?: string | null,"contact_phone"?: string | null,"country_code"?: string | null,"created_at"?: string,"created_by"?: string,"description"?: string | null,"display_name": string,"email"?: string | null,"id"?: string,"is_verified"?: boolean,"kind"?: Database["public"]['Enums']["organization_kind"],"logo_path"?: string | null,"member_count"?: number,"slug": string,"updated_at"?: string,"verification_status"?: Database["public"]['Enums']["verification_status"],"website_url"?: string | null
                  }
                  Update: {
                    "address"?: string | null,"city"?: string | null,"contact_name"?: string | null,"contact_phone"?: string | null,"country_code"?: string | null,"created_at"?: string,"created_by"?: string,"description"?: string | null,"display_name"?: string,"email"?: string | null,"id"?: string,"is_verified"?: boolean,"kind"?: Database["public"]['Enums']["organization_kind"],"logo_path"?: string | null,"member_count"?: number,"slug"?: string,"updated_at"?: string,"verification_status"?: Database["public"]['Enums']["verification_status"],"website_url"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "organizations_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"part_categories": {
                  Row: {
                    "created_at": string,"description": string | null,"icon": string | null,"id": string,"name": string,"parent_id": string | null,"position": number,"slug": string
                  }
                  Insert: {
                    "created_at"?: string,"description"?: string | null,"icon"?: string | null,"id"?: string,"name": string,"parent_id"?: string | null,"position"?: number,"slug": string
                  }
                  Update: {
                    "created_at"?: string,"description"?: string | null,"icon"?: string | null,"id"?: string,"name"?: string,"parent_id"?: string | null,"position"?: number,"slug"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "part_categories_parent_id_fkey"
      columns: ["parent_id"]
isOneToOne: false
      referencedRelation: "part_categories"
      referencedColumns: ["id"]
    }
                  ]
                },"part_compatibilities": {
                  Row: {
                    "created_at": string,"id": string,"make": string,"model": string | null,"notes": string | null,"part_listing_id": string,"year_from": number,"year_to": number
                  }
                  Insert: {
                    "created_at"?: string,"id"?: string,"make": string,"model"?: string | null,"notes"?: string | null,"part_listing_id": string,"year_from": number,"year_to": number
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"make"?: string,"model"?: string | null,"notes"?: string | null,"part_listing_id"?: string,"year_from"?: number,"year_to"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "part_compatibilities_part_listing_id_fkey"
      columns: ["part_listing_id"]
isOneToOne: false
      referencedRelation: "part_listings"
      referencedColumns: ["id"]
    }
                  ]
                },"part_listings": {
                  Row: {
                    "archived_at": string | null,"average_rating": number | null,"brand": string,"category_id": string,"city": string | null,"comment_count": number,"condition": Database["public"]['Enums']["part_condition"],"created_at": string,"currency": string,"description": string | null,"featured_until": string | null,"id": string,"part_number": string | null,"price_amount": number,"product_id": string | null,"published_at": string | null,"quantity": number,"rating_sum": number,"review_count": number,"search_vector": unknown,"seller_id": string,"sold_at": string | null,"status": Database["public"]['Enums']["listing_status"],"store_id": string | null,"title": string,"updated_at": string,"warranty_months": number
                  }
                  Insert: {
                    "archived_at"?: string | null,"average_rating"?: never,"brand": string,"category_id": string,"city"?: string | null,"comment_count"?: number,"condition": Database["public"]['Enums']["part_condition"],"created_at"?: string,"currency": string,"description"?: string | null,"featured_until"?: string | null,"id"?: string,"part_number"?: string | null,"price_amount": number,"product_id"?: string | null,"published_at"?: string | null,"quantity"?: number,"rating_sum"?: number,"review_count"?: number,"search_vector"?: never,"seller_id"?: string,"sold_at"?: string | null,"status"?: Database["public"]['Enums']["listing_status"],"store_id"?: string | null,"title": string,"updated_at"?: string,"warranty_months"?: number
                  }
                  Update: {
                    "archived_at"?: string | null,"average_rating"?: never,"brand"?: string,"category_id"?: string,"city"?: string | null,"comment_count"?: number,"condition"?: Database["public"]['Enums']["part_condition"],"created_at"?: string,"currency"?: string,"description"?: string | null,"featured_until"?: string | null,"id"?: string,"part_number"?: string | null,"price_amount"?: number,"product_id"?: string | null,"published_at"?: string | null,"quantity"?: number,"rating_sum"?: number,"review_count"?: number,"search_vector"?: never,"seller_id"?: string,"sold_at"?: string | null,"status"?: Database["public"]['Enums']["listing_status"],"store_id"?: string | null,"title"?: string,"updated_at"?: string,"warranty_months"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "part_listings_category_id_fkey"
      columns: ["category_id"]
isOneToOne: false
      referencedRelation: "part_categories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "part_listings_product_id_fkey"
      columns: ["product_id"]
isOneToOne: true
      referencedRelation: "products"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "part_listings_seller_id_fkey"
      columns: ["seller_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "part_listings_store_id_fkey"
      columns: ["store_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"payments": {
                  Row: {
                    "amount": number,"channel": string | null,"created_at": string,"currency": string,"id": string,"invoice_id": string,"organization_id": string | null,"paid_at": string,"provider": Database["public"]['Enums']["payment_provider"],"provider_event_id": string | null,"provider_payment_id": string,"recorded_by": string | null,"user_id": string
                  }
                  Insert: {
                    "amount": number,"channel"?: string | null,"created_at"?: string,"currency": string,"id"?: string,"invoice_id": string,"organization_id"?: string | null,"paid_at"?: string,"provider": Database["public"]['Enums']["payment_provider"],"provider_event_id"?: string | null,"provider_payment_id": string,"recorded_by"?: string | null,"user_id": string
                  }
                  Update: {
                    "amount"?: number,"channel"?: string | null,"created_at"?: string,"currency"?: string,"id"?: string,"invoice_id"?: string,"organization_id"?: string | null,"paid_at"?: string,"provider"?: Database["public"]['Enums']["payment_provider"],"provider_event_id"?: string | null,"provider_payment_id"?: string,"recorded_by"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "payments_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "payments_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    },{
      foreignKeyName: "payments_provider_event_id_fkey"
      columns: ["provider_event_id"]
isOneToOne: false
      referencedRelation: "provider_events"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "payments_provider_event_id_fkey"
      columns: ["provider_event_id"]
isOneToOne: false
      referencedRelation: "reconciliation_provider_events_without_invoice"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "payments_recorded_by_fkey"
      columns: ["recorded_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"platform_admins": {
                  Row: {
                    "granted_at": string,"granted_by": string | null,"note": string | null,"user_id": string
                  }
                  Insert: {
                    "granted_at"?: string,"granted_by"?: string | null,"note"?: string | null,"user_id": string
                  }
                  Update: {
                    "granted_at"?: string,"granted_by"?: string | null,"note"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "platform_admins_granted_by_fkey"
      columns: ["granted_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "platform_admins_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"platform_support_staff": {
                  Row: {
                    "added_at": string,"added_by": string | null,"user_id": string
                  }
                  Insert: {
                    "added_at"?: string,"added_by"?: string | null,"user_id": string
                  }
                  Update: {
                    "added_at"?: string,"added_by"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "platform_support_staff_added_by_fkey"
      columns: ["added_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "platform_support_staff_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"price_alerts": {
                  Row: {
                    "brand": string | null,"car_listing_id": string | null,"category_id": string | null,"created_at": string,"currency": string | null,"id": string,"is_active": boolean,"kind": Database["public"]['Enums']["price_alert_kind"],"last_notified_at": string | null,"make": string | null,"max_price_amount": number | null,"model": string | null,"part_listing_id": string | null,"target_price_amount": number | null,"user_id": string
                  }
                  Insert: {
                    "brand"?: string | null,"car_listing_id"?: string | null,"category_id"?: string | null,"created_at"?: string,"currency"?: string | null,"id"?: string,"is_active"?: boolean,"kind": Database["public"]['Enums']["price_alert_kind"],"last_notified_at"?: string | null,"make"?: string | null,"max_price_amount"?: number | null,"model"?: string | null,"part_listing_id"?: string | null,"target_price_amount"?: number | null,"user_id"?: string
                  }
                  Update: {
                    "brand"?: string | null,"car_listing_id"?: string | null,"category_id"?: string | null,"created_at"?: string,"currency"?: string | null,"id"?: string,"is_active"?: boolean,"kind"?: Database["public"]['Enums']["price_alert_kind"],"last_notified_at"?: string | null,"make"?: string | null,"max_price_amount"?: number | null,"model"?: string | null,"part_listing_id"?: string | null,"target_price_amount"?: number | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "price_alerts_car_listing_id_fkey"
      columns: ["car_listing_id"]
isOneToOne: false
      referencedRelation: "car_listings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "price_alerts_category_id_fkey"
      columns: ["category_id"]
isOneToOne: false
      referencedRelation: "part_categories"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "price_alerts_part_listing_id_fkey"
      columns: ["part_listing_id"]
isOneToOne: false
      referencedRelation: "part_listings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "price_alerts_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"product_images": {
                  Row: {
                    "alt_text": string | null,"created_at": string,"id": string,"is_primary": boolean,"position": number,"product_id": string,"storage_path": string
                  }
                  Insert: {
                    "alt_text"?: string | null,"created_at"?: string,"id"?: string,"is_primary"?: boolean,"position"?: number,"product_id": string,"storage_path": string
                  }
                  Update: {
                    "alt_text"?: string | null,"created_at"?: string,"id"?: string,"is_primary"?: boolean,"position"?: number,"product_id"?: string,"storage_path"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "product_images_product_id_fkey"
      columns: ["product_id"]
isOneToOne: false
      referencedRelation: "products"
      referencedColumns: ["id"]
    }
                  ]
                },"products": {
                  Row: {
                    "created_at": string,"created_by": string | null,"currency": string,"description": string | null,"id": string,"is_active": boolean,"name": string,"price_amount": number,"reserved": number,"sku": string,"stock": number | null,"stock_available": number | null,"updated_at": string
                  }
                  Insert: {
                    "created_at"?: string,"created_by"?: string | null,"currency": string,"description"?: string | null,"id"?: string,"is_active"?: boolean,"name": string,"price_amount": number,"reserved"?: number,"sku": string,"stock"?: number | null,"stock_available"?: never,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"created_by"?: string | null,"currency"?: string,"description"?: string | null,"id"?: string,"is_active"?: boolean,"name"?: string,"price_amount"?: number,"reserved"?: number,"sku"?: string,"stock"?: number | null,"stock_available"?: never,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "products_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"profile_contacts": {
                  Row: {
                    "address_line1": string | null,"address_line2": string | null,"country_code": string | null,"phone": string | null,"postal_code": string | null,"profile_id": string,"region": string | null,"updated_at": string
                  }
                  Insert: {
                    "address_line1"?: string | null,"address_line2"?: string | null,"country_code"?: string | null,"phone"?: string | null,"postal_code"?: string | null,"profile_id": string,"region"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "address_line1"?: string | null,"address_line2"?: string | null,"country_code"?: string | null,"phone"?: string | null,"postal_code"?: string | null,"profile_id"?: string,"region"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "profile_contacts_profile_id_fkey"
      columns: ["profile_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"profile_suspensions": {
                  Row: {
                    "profile_id": string,"reason": string | null,"suspended_at": string,"suspended_by": string | null,"suspended_until": string | null,"updated_at": string
                  }
                  Insert: {
                    "profile_id": string,"reason"?: string | null,"suspended_at"?: string,"suspended_by"?: string | null,"suspended_until"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "profile_id"?: string,"reason"?: string | null,"suspended_at"?: string,"suspended_by"?: string | null,"suspended_until"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "profile_suspensions_profile_id_fkey"
      columns: ["profile_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "profile_suspensions_suspended_by_fkey"
      columns: ["suspended_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"profiles": {
                  Row: {
                    "avatar_url": string | null,"bio": string | null,"city": string | null,"created_at": string,"display_name": string,"headline": string | null,"id": string,"updated_at": string,"verification_status": Database["public"]['Enums']["verification_status"],"verified_at": string | null
                  }
                  Insert: {
                    "avatar_url"?: string | null,"bio"?: string | null,"city"?: string | null,"created_at"?: string,"display_name": string,"headline"?: string | null,"id": string,"updated_at"?: string,"verification_status"?: Database["public"]['Enums']["verification_status"],"verified_at"?: string | null
                  }
                  Update: {
                    "avatar_url"?: string | null,"bio"?: string | null,"city"?: string | null,"created_at"?: string,"display_name"?: string,"headline"?: string | null,"id"?: string,"updated_at"?: string,"verification_status"?: Database["public"]['Enums']["verification_status"],"verified_at"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"provider_events": {
                  Row: {
                    "action": NonNullable<Json>,"event_id": string,"event_type": string,"id": string,"invoice_id": string | null,"payload": NonNullable<Json>,"processed_at": string | null,"provider": Database["public"]['Enums']["payment_provider"],"provider_payment_id": string | null,"received_at": string,"status": Database["public"]['Enums']["provider_event_status"]
                  }
                  Insert: {
                    "action"?: NonNullable<Json>,"event_id": string,"event_type": string,"id"?: string,"invoice_id"?: string | null,"payload": NonNullable<Json>,"processed_at"?: string | null,"provider": Database["public"]['Enums']["payment_provider"],"provider_payment_id"?: string | null,"received_at"?: string,"status": Database["public"]['Enums']["provider_event_status"]
                  }
                  Update: {
                    "action"?: NonNullable<Json>,"event_id"?: string,"event_type"?: string,"id"?: string,"invoice_id"?: string | null,"payload"?: NonNullable<Json>,"processed_at"?: string | null,"provider"?: Database["public"]['Enums']["payment_provider"],"provider_payment_id"?: string | null,"received_at"?: string,"status"?: Database["public"]['Enums']["provider_event_status"]
                  }
                  Relationships: [
                    {
      foreignKeyName: "provider_events_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "provider_events_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    }
                  ]
                },"push_devices": {
                  Row: {
                    "app_version": string | null,"created_at": string,"device_id": string,"id": string,"platform": Database["public"]['Enums']["push_platform"],"push_token": string,"session_id": string | null,"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "app_version"?: string | null,"created_at"?: string,"device_id": string,"id"?: string,"platform": Database["public"]['Enums']["push_platform"],"push_token": string,"session_id"?: string | null,"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "app_version"?: string | null,"created_at"?: string,"device_id"?: string,"id"?: string,"platform"?: Database["public"]['Enums']["push_platform"],"push_token"?: string,"session_id"?: string | null,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "push_devices_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"reference_items": {
                  Row: {
                    "code": string,"description": string | null,"id": string,"is_active": boolean,"kind": string,"label": string,"position": number,"url": string | null
                  }
                  Insert: {
                    "code": string,"description"?: string | null,"id"?: string,"is_active"?: boolean,"kind": string,"label": string,"position"?: number,"url"?: string | null
                  }
                  Update: {
                    "code"?: string,"description"?: string | null,"id"?: string,"is_active"?: boolean,"kind"?: string,"label"?: string,"position"?: number,"url"?: string | null
                  }
                  Relationships: [
                    
                  ]
                },"referral_codes": {
                  Row: {
                    "code": string,"created_at": string,"user_id": string
                  }
                  Insert: {
                    "code": string,"created_at"?: string,"user_id": string
                  }
                  Update: {
                    "code"?: string,"created_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "referral_codes_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"referrals": {
                  Row: {
                    "code": string,"created_at": string,"credited_at": string | null,"id": string,"invoice_id": string | null,"qualified_at": string | null,"referee_points": number,"referred_id": string,"referrer_id": string,"referrer_points": number,"reversed_at": string | null,"status": Database["public"]['Enums']["referral_status"]
                  }
                  Insert: {
                    "code": string,"created_at"?: string,"credited_at"?: string | null,"id"?: string,"invoice_id"?: string | null,"qualified_at"?: string | null,"referee_points"?: number,"referred_id": string,"referrer_id": string,"referrer_points"?: number,"reversed_at"?: string | null,"status"?: Database["public"]['Enums']["referral_status"]
                  }
                  Update: {
                    "code"?: string,"created_at"?: string,"credited_at"?: string | null,"id"?: string,"invoice_id"?: string | null,"qualified_at"?: string | null,"referee_points"?: number,"referred_id"?: string,"referrer_id"?: string,"referrer_points"?: number,"reversed_at"?: string | null,"status"?: Database["public"]['Enums']["referral_status"]
                  }
                  Relationships: [
                    {
      foreignKeyName: "referrals_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "referrals_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    },{
      foreignKeyName: "referrals_referred_id_fkey"
      columns: ["referred_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "referrals_referrer_id_fkey"
      columns: ["referrer_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"refunds": {
                  Row: {
                    "amount": number,"applied_at": string | null,"created_at": string,"currency": string,"failed_at": string | null,"failure_reason": string | null,"id": string,"invoice_id": string,"invoice_item_id": string | null,"organization_id": string | null,"provider": Database["public"]['Enums']["payment_provider"],"provider_refund_id": string | null,"reason": string | null,"requested_at": string,"requested_by": string | null,"status": Database["public"]['Enums']["refund_status"],"succeeded_at": string | null,"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "amount": number,"applied_at"?: string | null,"created_at"?: string,"currency": string,"failed_at"?: string | null,"failure_reason"?: string | null,"id"?: string,"invoice_id": string,"invoice_item_id"?: string | null,"organization_id"?: string | null,"provider": Database["public"]['Enums']["payment_provider"],"provider_refund_id"?: string | null,"reason"?: string | null,"requested_at"?: string,"requested_by"?: string | null,"status"?: Database["public"]['Enums']["refund_status"],"succeeded_at"?: string | null,"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "amount"?: number,"applied_at"?: string | null,"created_at"?: string,"currency"?: string,"failed_at"?: string | null,"failure_reason"?: string | null,"id"?: string,"invoice_id"?: string,"invoice_item_id"?: string | null,"organization_id"?: string | null,"provider"?: Database["public"]['Enums']["payment_provider"],"provider_refund_id"?: string | null,"reason"?: string | null,"requested_at"?: string,"requested_by"?: string | null,"status"?: Database["public"]['Enums']["refund_status"],"succeeded_at"?: string | null,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "refunds_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "refunds_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    },{
      foreignKeyName: "refunds_invoice_item_id_fkey"
      columns: ["invoice_item_id"]
isOneToOne: false
      referencedRelation: "invoice_items"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "refunds_requested_by_fkey"
      columns: ["requested_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"reward_balances": {
                  Row: {
                    "balance": number,"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "balance"?: number,"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "balance"?: number,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "reward_balances_user_id_fkey"
      columns: ["user_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"reward_entries": {
                  Row: {
                    "created_at": string,"detail": NonNullable<Json>,"id": number,"invoice_id": string | null,"points": number,"reason": string,"reverses_entry_id": number | null,"user_id": string
                  }
                  Insert: {
                    "created_at"?: string,"detail"?: NonNullable<Json>,"id"?: never,"invoice_id"?: string | null,"points": number,"reason": string,"reverses_entry_id"?: number | null,"user_id": string
                  }
                  Update: {
                    "created_at"?: string,"detail"?: NonNullable<Json>,"id"?: never,"invoice_id"?: string | null,"points"?: number,"reason"?: string,"reverses_entry_id"?: number | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "reward_entries_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "invoices"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "reward_entries_invoice_id_fkey"
      columns: ["invoice_id"]
isOneToOne: false
      referencedRelation: "reconciliation_payments_without_provider_event"
      referencedColumns: ["invoice_id"]
    },{
      foreignKeyName: "reward_entries_reverses_entry_id_fkey"
      columns: ["reverses_entry_id"]
isOneToOne: true
      referencedRelation: "reward_entries"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "reward_entries_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"seller_ratings": {
                  Row: {
                    "accuracy_count": number,"accuracy_sum": number,"average_accuracy": number | null,"average_communication": number | null,"average_rating": number | null,"average_shipping": number | null,"communication_count": number,"communication_sum": number,"rating_1_count": number,"rating_2_count": number,"rating_3_count": number,"rating_4_count": number,"rating_5_count": number,"rating_sum": number,"review_count": number,"seller_id": string | null,"shipping_count": number,"shipping_sum": number,"store_id": string | null,"subject_id": string,"updated_at": string
                  }
                  Insert: {
                    "accuracy_count"?: number,"accuracy_sum"?: number,"average_accuracy"?: never,"average_communication"?: never,"average_rating"?: never,"average_shipping"?: never,"communication_count"?: number,"communication_sum"?: number,"rating_1_count"?: number,"rating_2_count"?: number,"rating_3_count"?: number,"rating_4_count"?: number,"rating_5_count"?: number,"rating_sum"?: number,"review_count"?: number,"seller_id"?: string | null,"shipping_count"?: number,"shipping_sum"?: number,"store_id"?: string | null,"subject_id": string,"updated_at"?: string
                  }
                  Update: {
                    "accuracy_count"?: number,"accuracy_sum"?: number,"average_accuracy"?: never,"average_communication"?: never,"average_rating"?: never,"average_shipping"?: never,"communication_count"?: number,"communication_sum"?: number,"rating_1_count"?: number,"rating_2_count"?: number,"rating_3_count"?: number,"rating_4_count"?: number,"rating_5_count"?: number,"rating_sum"?: number,"review_count"?: number,"seller_id"?: string | null,"shipping_count"?: number,"shipping_sum"?: number,"store_id"?: string | null,"subject_id"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "seller_ratings_seller_id_fkey"
      columns: ["seller_id"]
isOneToOne: true
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_ratings_store_id_fkey"
      columns: ["store_id"]
isOneToOne: true
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"seller_review_votes": {
                  Row: {
                    "created_at": string,"is_helpful": boolean,"review_id": string,"user_id": string
                  }
                  Insert: {
                    "created_at"?: string,"is_helpful": boolean,"review_id": string,"user_id"?: string
                  }
                  Update: {
                    "created_at"?: string,"is_helpful"?: boolean,"review_id"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "seller_review_votes_review_id_fkey"
      columns: ["review_id"]
isOneToOne: false
      referencedRelation: "seller_reviews"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_review_votes_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"seller_reviews": {
                  Row: {
                    "accuracy_rating": number | null,"body": string | null,"car_listing_id": string | null,"communication_rating": number | null,"created_at": string,"helpful_count": number,"id": string,"invoice_item_id": string | null,"moderation_state": Database["public"]['Enums']["forum_moderation_state"],"part_listing_id": string | null,"rating": number,"responded_at": string | null,"responded_by": string | null,"reviewer_id": string,"seller_id": string,"seller_response": string | null,"shipping_rating": number | null,"store_id": string | null,"title": string | null,"unhelpful_count": number,"updated_at": string,"verified_purchase": boolean
                  }
                  Insert: {
                    "accuracy_rating"?: number | null,"body"?: string | null,"car_listing_id"?: string | null,"communication_rating"?: number | null,"created_at"?: string,"helpful_count"?: number,"id"?: string,"invoice_item_id"?: string | null,"moderation_state"?: Database["public"]['Enums']["forum_moderation_state"],"part_listing_id"?: string | null,"rating": number,"responded_at"?: string | null,"responded_by"?: string | null,"reviewer_id"?: string,"seller_id": string,"seller_response"?: string | null,"shipping_rating"?: number | null,"store_id"?: string | null,"title"?: string | null,"unhelpful_count"?: number,"updated_at"?: string,"verified_purchase"?: boolean
                  }
                  Update: {
                    "accuracy_rating"?: number | null,"body"?: string | null,"car_listing_id"?: string | null,"communication_rating"?: number | null,"created_at"?: string,"helpful_count"?: number,"id"?: string,"invoice_item_id"?: string | null,"moderation_state"?: Database["public"]['Enums']["forum_moderation_state"],"part_listing_id"?: string | null,"rating"?: number,"responded_at"?: string | null,"responded_by"?: string | null,"reviewer_id"?: string,"seller_id"?: string,"seller_response"?: string | null,"shipping_rating"?: number | null,"store_id"?: string | null,"title"?: string | null,"unhelpful_count"?: number,"updated_at"?: string,"verified_purchase"?: boolean
                  }
                  Relationships: [
                    {
      foreignKeyName: "seller_reviews_car_listing_id_fkey"
      columns: ["car_listing_id"]
isOneToOne: false
      referencedRelation: "car_listings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_reviews_invoice_item_id_fkey"
      columns: ["invoice_item_id"]
isOneToOne: true
      referencedRelation: "invoice_items"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_reviews_part_listing_id_fkey"
      columns: ["part_listing_id"]
isOneToOne: false
      referencedRelation: "part_listings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_reviews_responded_by_fkey"
      columns: ["responded_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_reviews_reviewer_id_fkey"
      columns: ["reviewer_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_reviews_seller_id_fkey"
      columns: ["seller_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_reviews_store_id_fkey"
      columns: ["store_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"seller_verification_requests": {
                  Row: {
                    "created_at": string,"decided_at": string | null,"decided_by": string | null,"details": string,"id": string,"profile_id": string | null,"reason": string | null,"requested_by": string,"status": Database["public"]['Enums']["seller_verification_request_status"],"store_id": string | null
                  }
                  Insert: {
                    "created_at"?: string,"decided_at"?: string | null,"decided_by"?: string | null,"details": string,"id"?: string,"profile_id"?: string | null,"reason"?: string | null,"requested_by": string,"status"?: Database["public"]['Enums']["seller_verification_request_status"],"store_id"?: string | null
                  }
                  Update: {
                    "created_at"?: string,"decided_at"?: string | null,"decided_by"?: string | null,"details"?: string,"id"?: string,"profile_id"?: string | null,"reason"?: string | null,"requested_by"?: string,"status"?: Database["public"]['Enums']["seller_verification_request_status"],"store_id"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "seller_verification_requests_decided_by_fkey"
      columns: ["decided_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_verification_requests_profile_id_fkey"
      columns: ["profile_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_verification_requests_requested_by_fkey"
      columns: ["requested_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "seller_verification_requests_store_id_fkey"
      columns: ["store_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"service_bays": {
                  Row: {
                    "created_at": string,"id": string,"is_active": boolean,"location_id": string,"name": string
                  }
                  Insert: {
                    "created_at"?: string,"id"?: string,"is_active"?: boolean,"location_id": string,"name": string
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"is_active"?: boolean,"location_id"?: string,"name"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "service_bays_location_id_fkey"
      columns: ["location_id"]
isOneToOne: false
      referencedRelation: "service_locations"
      referencedColumns: ["id"]
    }
                  ]
                },"service_intervals": {
                  Row: {
                    "created_at": string,"distance_unit": Database["public"]['Enums']["odometer_unit"],"every_distance": number | null,"every_months": number | null,"id": string,"make": string | null,"model": string | null,"name": string,"service_code": string,"updated_at": string
                  }
                  Insert: {
                    "created_at"?: string,"distance_unit"?: Database["public"]['Enums']["odometer_unit"],"every_distance"?: number | null,"every_months"?: number | null,"id"?: string,"make"?: string | null,"model"?: string | null,"name": string,"service_code": string,"updated_at"?: string
                  }
                  Update: {
                    "created_at"?: string,"distance_unit"?: Database["public"]['Enums']["odometer_unit"],"every_distance"?: number | null,"every_months"?: number | null,"id"?: string,"make"?: string | null,"model"?: string | null,"name"?: string,"service_code"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    
                  ]
                },"service_location_exceptions": {
                  Row: {
                    "closes_at": string | null,"id": string,"location_id": string,"on_date": string,"opens_at": string | null,"reason": string | null
                  }
                  Insert: {
                    "closes_at"?: string | null,"id"?: string,"location_id": string,"on_date": string,"opens_at"?: string | null,"reason"?: string | null
                  }
                  Update: {
                    "closes_at"?: string | null,"id"?: string,"location_id"?: string,"on_date"?: string,"opens_at"?: string | null,"reason"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "service_location_exceptions_location_id_fkey"
      columns: ["location_id"]
isOneToOne: false
      referencedRelation: "service_locations"
      referencedColumns: ["id"]
    }
                  ]
                },"service_location_hours": {
                  Row: {
                    "closes_at": string,"id": string,"location_id": string,"opens_at": string,"weekday": number
                  }
                  Insert: {
                    "closes_at": string,"id"?: string,"location_id": string,"opens_at": string,"weekday": number
                  }
                  Update: {
                    "closes_at"?: string,"id"?: string,"location_id"?: string,"opens_at"?: string,"weekday"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "service_location_hours_location_id_fkey"
      columns: ["location_id"]
isOneToOne: false
      referencedRelation: "service_locations"
      referencedColumns: ["id"]
    }
                  ]
                },"service_locations": {
                  Row: {
                    "address_line1": string,"address_line2": string | null,"booking_horizon_days": number,"city": string,"country_code": string,"created_at": string,"currency": string,"id": string,"is_active": boolean,"latitude": number | null,"lead_time_minutes": number,"longitude": number | null,"name": string,"organization_id": string,"phone": string | null,"postal_code": string | null,"region": string | null,"slot_minutes": number,"time_zone": string,"updated_at": string
                  }
                  Insert: {
                    "address_line1": string,"address_line2"?: string | null,"booking_horizon_days"?: number,"city": string,"country_code": string,"created_at"?: string,"currency"?: string,"id"?: string,"is_active"?: boolean,"latitude"?: number | null,"lead_time_minutes"?: number,"longitude"?: number | null,"name": string,"organization_id": string,"phone"?: string | null,"postal_code"?: string | null,"region"?: string | null,"slot_minutes"?: number,"time_zone": string,"updated_at"?: string
                  }
                  Update: {
                    "address_line1"?: string,"address_line2"?: string | null,"booking_horizon_days"?: number,"city"?: string,"country_code"?: string,"created_at"?: string,"currency"?: string,"id"?: string,"is_active"?: boolean,"latitude"?: number | null,"lead_time_minutes"?: number,"longitude"?: number | null,"name"?: string,"organization_id"?: string,"phone"?: string | null,"postal_code"?: string | null,"region"?: string | null,"slot_minutes"?: number,"time_zone"?: string,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "service_locations_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"service_record_documents": {
                  Row: {
                    "content_type": string | null,"created_at": string,"file_name": string,"id": string,"record_id": string,"storage_path": string
                  }
                  Insert: {
                    "content_type"?: string | null,"created_at"?: string,"file_name": string,"id"?: string,"record_id": string,"storage_path": string
                  }
                  Update: {
                    "content_type"?: string | null,"created_at"?: string,"file_name"?: string,"id"?: string,"record_id"?: string,"storage_path"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "service_record_documents_record_id_fkey"
      columns: ["record_id"]
isOneToOne: false
      referencedRelation: "service_records"
      referencedColumns: ["id"]
    }
                  ]
                },"service_records": {
                  Row: {
                    "appointment_id": string | null,"cost_amount": number | null,"created_at": string,"created_by": string | null,"currency": string | null,"description": string,"id": string,"location_id": string | null,"location_name": string | null,"odometer": number | null,"parts": NonNullable<Json>,"performed_on": string,"service_codes": (string)[],"updated_at": string,"vehicle_id": string
                  }
                  Insert: {
                    "appointment_id"?: string | null,"cost_amount"?: number | null,"created_at"?: string,"created_by"?: string | null,"currency"?: string | null,"description": string,"id"?: string,"location_id"?: string | null,"location_name"?: string | null,"odometer"?: number | null,"parts"?: NonNullable<Json>,"performed_on": string,"service_codes"?: (string)[],"updated_at"?: string,"vehicle_id": string
                  }
                  Update: {
                    "appointment_id"?: string | null,"cost_amount"?: number | null,"created_at"?: string,"created_by"?: string | null,"currency"?: string | null,"description"?: string,"id"?: string,"location_id"?: string | null,"location_name"?: string | null,"odometer"?: number | null,"parts"?: NonNullable<Json>,"performed_on"?: string,"service_codes"?: (string)[],"updated_at"?: string,"vehicle_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "service_records_appointment_id_fkey"
      columns: ["appointment_id"]
isOneToOne: false
      referencedRelation: "appointments"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "service_records_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "service_records_location_id_fkey"
      columns: ["location_id"]
isOneToOne: false
      referencedRelation: "service_locations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "service_records_vehicle_id_fkey"
      columns: ["vehicle_id"]
isOneToOne: false
      referencedRelation: "vehicles"
      referencedColumns: ["id"]
    }
                  ]
                },"store_profiles": {
                  Row: {
                    "banner_path": string | null,"city": string | null,"contact_email": string | null,"contact_phone": string | null,"country_code": string | null,"created_at": string,"latitude": number | null,"longitude": number | null,"organization_id": string,"tagline": string | null,"updated_at": string
                  }
                  Insert: {
                    "banner_path"?: string | null,"city"?: string | null,"contact_email"?: string | null,"contact_phone"?: string | null,"country_code"?: string | null,"created_at"?: string,"latitude"?: number | null,"longitude"?: number | null,"organization_id": string,"tagline"?: string | null,"updated_at"?: string
                  }
                  Update: {
                    "banner_path"?: string | null,"city"?: string | null,"contact_email"?: string | null,"contact_phone"?: string | null,"country_code"?: string | null,"created_at"?: string,"latitude"?: number | null,"longitude"?: number | null,"organization_id"?: string,"tagline"?: string | null,"updated_at"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "store_profiles_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: true
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    }
                  ]
                },"survey_drafts": {
                  Row: {
                    "answers": NonNullable<Json>,"id": string,"object_id": string | null,"object_kind": string | null,"survey_id": string,"updated_at": string,"user_id": string
                  }
                  Insert: {
                    "answers"?: NonNullable<Json>,"id"?: string,"object_id"?: string | null,"object_kind"?: string | null,"survey_id": string,"updated_at"?: string,"user_id": string
                  }
                  Update: {
                    "answers"?: NonNullable<Json>,"id"?: string,"object_id"?: string | null,"object_kind"?: string | null,"survey_id"?: string,"updated_at"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "survey_drafts_survey_id_fkey"
      columns: ["survey_id"]
isOneToOne: false
      referencedRelation: "surveys"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "survey_drafts_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"survey_email_invitations": {
                  Row: {
                    "email": string,"id": string,"invited_at": string,"invited_by": string | null,"organization_id": string | null,"reminded_at": string | null,"reminder_count": number,"responded_at": string | null,"response_id": string | null,"survey_id": string
                  }
                  Insert: {
                    "email": string,"id"?: string,"invited_at"?: string,"invited_by"?: string | null,"organization_id"?: string | null,"reminded_at"?: string | null,"reminder_count"?: number,"responded_at"?: string | null,"response_id"?: string | null,"survey_id": string
                  }
                  Update: {
                    "email"?: string,"id"?: string,"invited_at"?: string,"invited_by"?: string | null,"organization_id"?: string | null,"reminded_at"?: string | null,"reminder_count"?: number,"responded_at"?: string | null,"response_id"?: string | null,"survey_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "survey_email_invitations_invited_by_fkey"
      columns: ["invited_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "survey_email_invitations_response_id_fkey"
      columns: ["response_id"]
isOneToOne: false
      referencedRelation: "survey_responses"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "survey_email_invitations_survey_id_fkey"
      columns: ["survey_id"]
isOneToOne: false
      referencedRelation: "surveys"
      referencedColumns: ["id"]
    }
                  ]
                },"survey_links": {
                  Row: {
                    "created_at": string,"id": string,"is_feedback": boolean,"object_id": string,"object_kind": string,"organization_id": string | null,"survey_id": string
                  }
                  Insert: {
                    "created_at"?: string,"id"?: string,"is_feedback"?: boolean,"object_id": string,"object_kind": string,"organization_id"?: string | null,"survey_id": string
                  }
                  Update: {
                    "created_at"?: string,"id"?: string,"is_feedback"?: boolean,"object_id"?: string,"object_kind"?: string,"organization_id"?: string | null,"survey_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "survey_links_survey_id_fkey"
      columns: ["survey_id"]
isOneToOne: false
      referencedRelation: "surveys"
      referencedColumns: ["id"]
    }
                  ]
                },"survey_participants": {
                  Row: {
                    "id": string,"invited_at": string | null,"last_submitted_at": string | null,"object_id": string | null,"object_kind": string | null,"organization_id": string | null,"reminded_at": string | null,"reminder_count": number,"submitted_count": number,"survey_id": string,"user_id": string
                  }
                  Insert: {
                    "id"?: string,"invited_at"?: string | null,"last_submitted_at"?: string | null,"object_id"?: string | null,"object_kind"?: string | null,"organization_id"?: string | null,"reminded_at"?: string | null,"reminder_count"?: number,"submitted_count"?: number,"survey_id": string,"user_id": string
                  }
                  Update: {
                    "id"?: string,"invited_at"?: string | null,"last_submitted_at"?: string | null,"object_id"?: string | null,"object_kind"?: string | null,"organization_id"?: string | null,"reminded_at"?: string | null,"reminder_count"?: number,"submitted_count"?: number,"survey_id"?: string,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "survey_participants_survey_id_fkey"
      columns: ["survey_id"]
isOneToOne: false
      referencedRelation: "surveys"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "survey_participants_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"survey_question_options": {
                  Row: {
                    "axis": string,"id": string,"label": string,"organization_id": string | null,"position": number,"question_id": string,"survey_id": string | null,"value": string
                  }
                  Insert: {
                    "axis"?: string,"id"?: string,"label": string,"organization_id"?: string | null,"position"?: number,"question_id": string,"survey_id"?: string | null,"value": string
                  }
                  Update: {
                    "axis"?: string,"id"?: string,"label"?: string,"organization_id"?: string | null,"position"?: number,"question_id"?: string,"survey_id"?: string | null,"value"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "survey_question_options_question_id_fkey"
      columns: ["question_id"]
isOneToOne: false
      referencedRelation: "survey_questions"
      referencedColumns: ["id"]
    }
                  ]
                },"survey_questions": {
                  Row: {
                    "allow_other": boolean,"description": string | null,"id": string,"is_required": boolean,"key": string,"organization_id": string | null,"position": number,"question_type": Database["public"]['Enums']["survey_question_type"],"rules": NonNullable<Json>,"section_id": string | null,"show_if": Json | null,"survey_id": string,"text": string
                  }
                  Insert: {
                    "allow_other"?: boolean,"description"?: string | null,"id"?: string,"is_required"?: boolean,"key": string,"organization_id"?: string | null,"position"?: number,"question_type": Database["public"]['Enums']["survey_question_type"],"rules"?: NonNullable<Json>,"section_id"?: string | null,"show_if"?: Json | null,"survey_id": string,"text": string
                  }
                  Update: {
                    "allow_other"?: boolean,"description"?: string | null,"id"?: string,"is_required"?: boolean,"key"?: string,"organization_id"?: string | null,"position"?: number,"question_type"?: Database["public"]['Enums']["survey_question_type"],"rules"?: NonNullable<Json>,"section_id"?: string | null,"show_if"?: Json | null,"survey_id"?: string,"text"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "survey_questions_section_id_fkey"
      columns: ["section_id"]
isOneToOne: false
      referencedRelation: "survey_sections"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "survey_questions_survey_id_fkey"
      columns: ["survey_id"]
isOneToOne: false
      referencedRelation: "surveys"
      referencedColumns: ["id"]
    }
                  ]
                },"survey_responses": {
                  Row: {
                    "answers": NonNullable<Json>,"id": string,"object_id": string | null,"object_kind": string | null,"organization_id": string | null,"respondent_id": string | null,"submitted_at": string,"survey_id": string
                  }
                  Insert: {
                    "answers": NonNullable<Json>,"id"?: string,"object_id"?: string | null,"object_kind"?: string | null,"organization_id"?: string | null,"respondent_id"?: string | null,"submitted_at"?: string,"survey_id": string
                  }
                  Update: {
                    "answers"?: NonNullable<Json>,"id"?: string,"object_id"?: string | null,"object_kind"?: string | null,"organization_id"?: string | null,"respondent_id"?: string | null,"submitted_at"?: string,"survey_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "survey_responses_respondent_id_fkey"
      columns: ["respondent_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "survey_responses_survey_id_fkey"
      columns: ["survey_id"]
isOneToOne: false
      referencedRelation: "surveys"
      referencedColumns: ["id"]
    }
                  ]
                },"survey_sections": {
                  Row: {
                    "description": string | null,"id": string,"organization_id": string | null,"position": number,"show_if": Json | null,"survey_id": string,"title": string | null
                  }
                  Insert: {
                    "description"?: string | null,"id"?: string,"organization_id"?: string | null,"position"?: number,"show_if"?: Json | null,"survey_id": string,"title"?: string | null
                  }
                  Update: {
                    "description"?: string | null,"id"?: string,"organization_id"?: string | null,"position"?: number,"show_if"?: Json | null,"survey_id"?: string,"title"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "survey_sections_survey_id_fkey"
      columns: ["survey_id"]
isOneToOne: false
      referencedRelation: "surveys"
      referencedColumns: ["id"]
    }
                  ]
                },"surveys": {
                  Row: {
                    "allow_multiple_responses": boolean,"closes_at": string | null,"created_at": string,"created_by": string | null,"description": string | null,"id": string,"invited_only": boolean,"is_anonymous": boolean,"max_reminders": number,"opens_at": string | null,"organization_id": string | null,"published_at": string | null,"reminder_interval": string | null,"response_count": number,"status": Database["public"]['Enums']["survey_status"],"title": string,"updated_at": string,"version": number,"version_of": string | null
                  }
                  Insert: {
                    "allow_multiple_responses"?: boolean,"closes_at"?: string | null,"created_at"?: string,"created_by"?: string | null,"description"?: string | null,"id"?: string,"invited_only"?: boolean,"is_anonymous"?: boolean,"max_reminders"?: number,"opens_at"?: string | null,"organization_id"?: string | null,"published_at"?: string | null,"reminder_interval"?: string | null,"response_count"?: number,"status"?: Database["public"]['Enums']["survey_status"],"title": string,"updated_at"?: string,"version"?: number,"version_of"?: string | null
                  }
                  Update: {
                    "allow_multiple_responses"?: boolean,"closes_at"?: string | null,"created_at"?: string,"created_by"?: string | null,"description"?: string | null,"id"?: string,"invited_only"?: boolean,"is_anonymous"?: boolean,"max_reminders"?: number,"opens_at"?: string | null,"organization_id"?: string | null,"published_at"?: string | null,"reminder_interval"?: string | null,"response_count"?: number,"status"?: Database["public"]['Enums']["survey_status"],"title"?: string,"updated_at"?: string,"version"?: number,"version_of"?: string | null
                  }
                  Relationships: [
                    {
      foreignKeyName: "surveys_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "surveys_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "surveys_version_of_fkey"
      columns: ["version_of"]
isOneToOne: false
      referencedRelation: "surveys"
      referencedColumns: ["id"]
    }
                  ]
                },"telemetry_batches": {
                  Row: {
                    "dongle_id": string | null,"end_odometer": number | null,"ended_at": string,"id": string,"idempotency_key": string,"max_speed": number | null,"posted_by": string | null,"received_at": string,"sample_count": number,"start_odometer": number | null,"started_at": string,"vehicle_id": string
                  }
                  Insert: {
                    "dongle_id"?: string | null,"end_odometer"?: number | null,"ended_at": string,"id"?: string,"idempotency_key": string,"max_speed"?: number | null,"posted_by"?: string | null,"received_at"?: string,"sample_count": number,"start_odometer"?: number | null,"started_at": string,"vehicle_id": string
                  }
                  Update: {
                    "dongle_id"?: string | null,"end_odometer"?: number | null,"ended_at"?: string,"id"?: string,"idempotency_key"?: string,"max_speed"?: number | null,"posted_by"?: string | null,"received_at"?: string,"sample_count"?: number,"start_odometer"?: number | null,"started_at"?: string,"vehicle_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "telemetry_batches_dongle_id_fkey"
      columns: ["dongle_id"]
isOneToOne: false
      referencedRelation: "obd_dongles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "telemetry_batches_posted_by_fkey"
      columns: ["posted_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "telemetry_batches_vehicle_id_fkey"
      columns: ["vehicle_id"]
isOneToOne: false
      referencedRelation: "vehicles"
      referencedColumns: ["id"]
    }
                  ]
                },"telemetry_samples": {
                  Row: {
                    "batch_id": string,"fuel_rate": number,"odometer": number,"recorded_at": string,"speed": number,"vehicle_id": string
                  }
                  Insert: {
                    "batch_id": string,"fuel_rate": number,"odometer": number,"recorded_at": string,"speed": number,"vehicle_id": string
                  }
                  Update: {
                    "batch_id"?: string,"fuel_rate"?: number,"odometer"?: number,"recorded_at"?: string,"speed"?: number,"vehicle_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "telemetry_samples_vehicle_id_fkey"
      columns: ["vehicle_id"]
isOneToOne: false
      referencedRelation: "vehicles"
      referencedColumns: ["id"]
    }
                  ]
                },"vehicle_odometer_corrections": {
                  Row: {
                    "corrected_by": string | null,"corrected_odometer": number,"created_at": string,"id": string,"previous_odometer": number,"reason": string,"vehicle_id": string
                  }
                  Insert: {
                    "corrected_by"?: string | null,"corrected_odometer": number,"created_at"?: string,"id"?: string,"previous_odometer": number,"reason": string,"vehicle_id": string
                  }
                  Update: {
                    "corrected_by"?: string | null,"corrected_odometer"?: number,"created_at"?: string,"id"?: string,"previous_odometer"?: number,"reason"?: string,"vehicle_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "vehicle_odometer_corrections_corrected_by_fkey"
      columns: ["corrected_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "vehicle_odometer_corrections_vehicle_id_fkey"
      columns: ["vehicle_id"]
isOneToOne: false
      referencedRelation: "vehicles"
      referencedColumns: ["id"]
    }
                  ]
                },"vehicles": {
                  Row: {
                    "created_at": string,"fuel_type": Database["public"]['Enums']["fuel_type"],"id": string,"license_plate": string | null,"make": string,"model": string,"odometer": number,"odometer_unit": Database["public"]['Enums']["odometer_unit"],"owner_id": string,"trim": string | null,"updated_at": string,"vin": string,"year": number
                  }
                  Insert: {
                    "created_at"?: string,"fuel_type"?: Database["public"]['Enums']["fuel_type"],"id"?: string,"license_plate"?: string | null,"make": string,"model": string,"odometer"?: number,"odometer_unit"?: Database["public"]['Enums']["odometer_unit"],"owner_id"?: string,"trim"?: string | null,"updated_at"?: string,"vin": string,"year": number
                  }
                  Update: {
                    "created_at"?: string,"fuel_type"?: Database["public"]['Enums']["fuel_type"],"id"?: string,"license_plate"?: string | null,"make"?: string,"model"?: string,"odometer"?: number,"odometer_unit"?: Database["public"]['Enums']["odometer_unit"],"owner_id"?: string,"trim"?: string | null,"updated_at"?: string,"vin"?: string,"year"?: number
                  }
                  Relationships: [
                    {
      foreignKeyName: "vehicles_owner_id_fkey"
      columns: ["owner_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"wishlist_items": {
                  Row: {
                    "car_listing_id": string | null,"created_at": string,"id": string,"listing_id": string | null,"note": string | null,"part_listing_id": string | null,"user_id": string
                  }
                  Insert: {
                    "car_listing_id"?: string | null,"created_at"?: string,"id"?: string,"listing_id"?: never,"note"?: string | null,"part_listing_id"?: string | null,"user_id"?: string
                  }
                  Update: {
                    "car_listing_id"?: string | null,"created_at"?: string,"id"?: string,"listing_id"?: never,"note"?: string | null,"part_listing_id"?: string | null,"user_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "wishlist_items_car_listing_id_fkey"
      columns: ["car_listing_id"]
isOneToOne: false
      referencedRelation: "car_listings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "wishlist_items_part_listing_id_fkey"
      columns: ["part_listing_id"]
isOneToOne: false
      referencedRelation: "part_listings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "wishlist_items_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"zoom_meetings": {
                  Row: {
                    "attendance_threshold": number,"created_at": string,"created_by": string | null,"duration_minutes": number,"event_id": string,"id": string,"join_url": string,"organization_id": string,"passcode": string | null,"session_id": string | null,"start_url": string | null,"starts_at": string,"zoom_meeting_id": string
                  }
                  Insert: {
                    "attendance_threshold"?: number,"created_at"?: string,"created_by"?: string | null,"duration_minutes": number,"event_id": string,"id"?: string,"join_url": string,"organization_id": string,"passcode"?: string | null,"session_id"?: string | null,"start_url"?: string | null,"starts_at": string,"zoom_meeting_id": string
                  }
                  Update: {
                    "attendance_threshold"?: number,"created_at"?: string,"created_by"?: string | null,"duration_minutes"?: number,"event_id"?: string,"id"?: string,"join_url"?: string,"organization_id"?: string,"passcode"?: string | null,"session_id"?: string | null,"start_url"?: string | null,"starts_at"?: string,"zoom_meeting_id"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "zoom_meetings_created_by_fkey"
      columns: ["created_by"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "zoom_meetings_event_id_fkey"
      columns: ["event_id"]
isOneToOne: false
      referencedRelation: "events"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "zoom_meetings_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "zoom_meetings_session_id_fkey"
      columns: ["session_id"]
isOneToOne: false
      referencedRelation: "event_sessions"
      referencedColumns: ["id"]
    }
                  ]
                },"zoom_participant_events": {
                  Row: {
                    "at": string,"display_name": string | null,"email": string | null,"id": number,"kind": string,"meeting_id": string,"organization_id": string,"participant_key": string,"received_at": string,"registration_id": string | null,"zoom_event_key": string
                  }
                  Insert: {
                    "at": string,"display_name"?: string | null,"email"?: string | null,"id"?: never,"kind": string,"meeting_id": string,"organization_id": string,"participant_key": string,"received_at"?: string,"registration_id"?: string | null,"zoom_event_key": string
                  }
                  Update: {
                    "at"?: string,"display_name"?: string | null,"email"?: string | null,"id"?: never,"kind"?: string,"meeting_id"?: string,"organization_id"?: string,"participant_key"?: string,"received_at"?: string,"registration_id"?: string | null,"zoom_event_key"?: string
                  }
                  Relationships: [
                    {
      foreignKeyName: "zoom_participant_events_meeting_id_fkey"
      columns: ["meeting_id"]
isOneToOne: false
      referencedRelation: "zoom_meetings"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "zoom_participant_events_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "zoom_participant_events_registration_id_fkey"
      columns: ["registration_id"]
isOneToOne: false
      referencedRelation: "event_registrations"
      referencedColumns: ["id"]
    }
                  ]
                }
          }
          Views: {
            "reconciliation_payments_without_provider_event": {
                  Row: {
                    "amount_paid": number | null,"currency": string | null,"invoice_id": string | null,"number": string | null,"organization_id": string | null,"paid_at": string | null,"provider": Database["public"]['Enums']["payment_provider"] | null,"provider_payment_id": string | null,"status": Database["public"]['Enums']["invoice_status"] | null,"user_id": string | null
                  }
                  Insert: {
                           "amount_paid"?: number | null,"currency"?: string | null,"invoice_id"?: string | null,"number"?: string | null,"organization_id"?: string | null,"paid_at"?: string | null,"provider"?: Database["public"]['Enums']["payment_provider"] | null,"provider_payment_id"?: string | null,"status"?: Database["public"]['Enums']["invoice_status"] | null,"user_id"?: string | null
                         }
                        Update: {
                           "amount_paid"?: number | null,"currency"?: string | null,"invoice_id"?: string | null,"number"?: string | null,"organization_id"?: string | null,"paid_at"?: string | null,"provider"?: Database["public"]['Enums']["payment_provider"] | null,"provider_payment_id"?: string | null,"status"?: Database["public"]['Enums']["invoice_status"] | null,"user_id"?: string | null
                         }
                        Relationships: [
                    {
      foreignKeyName: "invoices_organization_id_fkey"
      columns: ["organization_id"]
isOneToOne: false
      referencedRelation: "organizations"
      referencedColumns: ["id"]
    },{
      foreignKeyName: "invoices_user_id_fkey"
      columns: ["user_id"]
isOneToOne: false
      referencedRelation: "profiles"
      referencedColumns: ["id"]
    }
                  ]
                },"reconciliation_provider_events_without_invoice": {
                  Row: {
                    "action": Json | null,"event_id": string | null,"event_type": string | null,"id": string | null,"provider": Database["public"]['Enums']["payment_provider"] | null,"provider_payment_id": string | null,"received_at": string | null,"status": Database["public"]['Enums']["provider_event_status"] | null
                  }
                  Insert: {
                           "action"?: Json | null,"event_id"?: string | null,"event_type"?: string | null,"id"?: string | null,"provider"?: Database["public"]['Enums']["payment_provider"] | null,"provider_payment_id"?: string | null,"received_at"?: string | null,"status"?: Database["public"]['Enums']["provider_event_status"] | null
                         }
                        Update: {
                           "action"?: Json | null,"event_id"?: string | null,"event_type"?: string | null,"id"?: string | null,"provider"?: Database["public"]['Enums']["payment_provider"] | null,"provider_payment_id"?: string | null,"received_at"?: string | null,"status"?: Database["public"]['Enums']["provider_event_status"] | null
                         }
                        Relationships: [
                    
                  ]
                }
          }
          Functions: {
            "accept_organization_invitation":
{ Args: { "p_code": string }; Returns: {
              "id": string,
"invited_by": string | null,
"is_person_in_charge": boolean,
"joined_at": string,
"organization_id": string,
"role": Database["public"]['Enums']["organization_role"],
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "organization_members"
        isOneToOne: true
        isSetofReturn: false
      } },
"accept_response":
{ Args: { "p_accepted"?: boolean,"p_response_id": string }; Returns: {
              "accepted_at": string | null,
"accepted_by": string | null,
"ai_generated": boolean,
"author_id": string | null,
"body": string,
"created_at": string,
"edited_at": string | null,
"helpful_count": number,
"id": string,
"is_accepted": boolean,
"is_expert": boolean,
"moderation_state": Database["public"]['Enums']["forum_moderation_state"],
"thread_id": string,
"unhelpful_count": number,
"updated_at": string
            }
                          SetofOptions: {
        from: "*"
        to: "forum_responses"
        isOneToOne: true
        isSetofReturn: false
      } },
"apply_for_expert_verification":
{ Args: { "p_document_paths"?: (string)[],"p_expertise_areas": (string)[],"p_statement"?: string,"p_years_of_experience": number }; Returns: {
              "created_at": string,
"decided_at": string | null,
"decided_by": string | null,
"decision_reason": string | null,
"document_paths": (string)[],
"expertise_areas": (string)[],
"id": string,
"statement": string | null,
"status": Database["public"]['Enums']["expert_verification_status"],
"updated_at": string,
"user_id": string,
"years_of_experience": number
            }
                          SetofOptions: {
        from: "*"
        to: "expert_verifications"
        isOneToOne: true
        isSetofReturn: false
      } },
"apply_provider_event":
{ Args: { "p_action": Json,"p_event_id": string,"p_event_type": string,"p_payload": Json,"p_provider": Database["public"]['Enums']["payment_provider"] }; Returns: Json
                           },
"apply_referral_code":
{ Args: { "p_code": string }; Returns: {
              "code": string,
"created_at": string,
"credited_at": string | null,
"id": string,
"invoice_id": string | null,
"qualified_at": string | null,
"referee_points": number,
"referred_id": string,
"referrer_id": string,
"referrer_points": number,
"reversed_at": string | null,
"status": Database["public"]['Enums']["referral_status"]
            }
                          SetofOptions: {
        from: "*"
        to: "referrals"
        isOneToOne: true
        isSetofReturn: false
      } },
"apply_reward_points":
{ Args: { "p_invoice_id": string,"p_points": number }; Returns: {
              "invoice_id": string,"points_applied": number,"rewards_balance": number,"total_amount": number
            }[]
                           },
"appointment_availability":
{ Args: { "p_date": string,"p_location_id": string,"p_service_codes"?: (string)[] }; Returns: {
              "ends_at": string,"free_bays": number,"starts_at": string
            }[]
                           },
"appointments_for_reminders":
{ Args: { "p_days_ahead"?: number }; Returns: {
              "appointment_id": string,"location_id": string,"location_name": string,"starts_at": string,"time_zone": string,"user_id": string,"vehicle_id": string
            }[]
                           },
"assign_chat_thread":
{ Args: { "p_staff_id"?: string,"p_thread_id": string }; Returns: {
              "assigned_to": string | null,
"created_at": string,
"id": string,
"last_message_at": string | null,
"member_id": string,
"organization_id": string | null,
"status": Database["public"]['Enums']["chat_thread_status"],
"subject": string,
"updated_at": string
            }
                          SetofOptions: {
        from: "*"
        to: "chat_threads"
        isOneToOne: true
        isSetofReturn: false
      } },
"attach_certificate_pdf":
{ Args: { "p_certificate_id": string,"p_pdf_path": string }; Returns: {
              "achieved_at": string,
"certificate_number": string,
"cpd_credits": number,
"cpd_cycle": string | null,
"enrollment_id": string | null,
"expires_at": string | null,
"holder_id": string,
"holder_name": string,
"id": string,
"issued_at": string,
"issued_by": string | null,
"organization_id": string | null,
"pdf_generated_at": string | null,
"pdf_path": string | null,
"registration_id": string | null,
"reissue_of": string | null,
"revocation_reason": string | null,
"revoked_at": string | null,
"revoked_by": string | null,
"template_id": string | null,
"title": string,
"verification_code": string
            }
                          SetofOptions: {
        from: "*"
        to: "certificates"
        isOneToOne: true
        isSetofReturn: false
      } },
"attach_invoice_checkout":
{ Args: { "p_channel"?: string,"p_channel_desc"?: string,"p_checkout_url"?: string,"p_expires_at"?: string,"p_invoice_id": string,"p_provider": Database["public"]['Enums']["payment_provider"],"p_provider_reference": string,"p_va_number"?: string }; Returns: {
              "amount_paid": number,
"amount_refunded": number,
"channel": string | null,
"channel_desc": string | null,
"checkout_url": string | null,
"created_at": string,
"currency": string,
"description": string | null,
"expired_at": string | null,
"expires_at": string,
"id": string,
"number": string,
"organization_id": string | null,
"paid_at": string | null,
"provider": Database["public"]['Enums']["payment_provider"] | null,
"provider_payment_id": string | null,
"provider_reference": string | null,
"receipt_path": string | null,
"refunded_at": string | null,
"status": Database["public"]['Enums']["invoice_status"],
"status_desc": string | null,
"total_amount": number,
"updated_at": string,
"user_id": string,
"va_number": string | null,
"voided_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "invoices"
        isOneToOne: true
        isSetofReturn: false
      } },
"attach_invoice_receipt":
{ Args: { "p_invoice_id": string,"p_path": string }; Returns: {
              "amount_paid": number,
"amount_refunded": number,
"channel": string | null,
"channel_desc": string | null,
"checkout_url": string | null,
"created_at": string,
"currency": string,
"description": string | null,
"expired_at": string | null,
"expires_at": string,
"id": string,
"number": string,
"organization_id": string | null,
"paid_at": string | null,
"provider": Database["public"]['Enums']["payment_provider"] | null,
"provider_payment_id": string | null,
"provider_reference": string | null,
"receipt_path": string | null,
"refunded_at": string | null,
"status": Database["public"]['Enums']["invoice_status"],
"status_desc": string | null,
"total_amount": number,
"updated_at": string,
"user_id": string,
"va_number": string | null,
"voided_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "invoices"
        isOneToOne: true
        isSetofReturn: false
      } },
"available_offers":
{ Args: { "p_lat"?: number,"p_lng"?: number,"p_vehicle_id"?: string }; Returns: {
              "created_at": string,"description": string,"distance_km": number,"eligible_tiers": (string)[],"expires_at": string,"id": string,"location_ids": (string)[],"nearest_location_id": string,"organization_id": string,"redeem_once": boolean,"redeemed": boolean,"terms": string,"title": string
            }[]
                           },
"book_appointment":
{ Args: { "p_location_id": string,"p_notes"?: string,"p_service_codes": (string)[],"p_starts_at": string,"p_vehicle_id": string }; Returns: {
              "bay_id": string,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"created_at": string,
"currency": string,
"ends_at": string,
"id": string,
"location_id": string,
"notes": string | null,
"starts_at": string,
"status": Database["public"]['Enums']["appointment_status"],
"total_amount": number,
"updated_at": string,
"user_id": string,
"vehicle_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "appointments"
        isOneToOne: true
        isSetofReturn: false
      } },
"cancel_appointment":
{ Args: { "p_appointment_id": string,"p_reason"?: string }; Returns: {
              "bay_id": string,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"created_at": string,
"currency": string,
"ends_at": string,
"id": string,
"location_id": string,
"notes": string | null,
"starts_at": string,
"status": Database["public"]['Enums']["appointment_status"],
"total_amount": number,
"updated_at": string,
"user_id": string,
"vehicle_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "appointments"
        isOneToOne: true
        isSetofReturn: false
      } },
"cancel_campaign":
{ Args: { "p_campaign_id": string }; Returns: {
              "body": string,
"cancelled_at": string | null,
"clicked_count": number,
"contact_ids": (string)[] | null,
"created_at": string,
"created_by": string | null,
"event_id": string | null,
"failed_count": number,
"finished_at": string | null,
"id": string,
"name": string,
"opened_count": number,
"organization_id": string,
"queued_at": string | null,
"rate_per_minute": number,
"recipient_count": number,
"scheduled_at": string | null,
"segment_id": string | null,
"sender_name": string | null,
"sent_count": number,
"skipped_count": number,
"status": Database["public"]['Enums']["campaign_status"],
"subject": string,
"track_clicks": boolean,
"track_opens": boolean,
"updated_at": string
            }
                          SetofOptions: {
        from: "*"
        to: "email_campaigns"
        isOneToOne: true
        isSetofReturn: false
      } },
"cancel_course_enrollment":
{ Args: { "p_enrollment_id": string }; Returns: {
              "cancelled_at": string | null,
"completed_at": string | null,
"course_id": string,
"currency": string | null,
"enrolled_at": string,
"id": string,
"invoice_id": string | null,
"lessons_completed": number,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["enrollment_status"],
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "course_enrollments"
        isOneToOne: true
        isSetofReturn: false
      } },
"cancel_paid_course_enrollment":
{ Args: { "p_enrollment_id": string,"p_reason"?: string }; Returns: {
              "amount": number,
"applied_at": string | null,
"created_at": string,
"currency": string,
"failed_at": string | null,
"failure_reason": string | null,
"id": string,
"invoice_id": string,
"invoice_item_id": string | null,
"organization_id": string | null,
"provider": Database["public"]['Enums']["payment_provider"],
"provider_refund_id": string | null,
"reason": string | null,
"requested_at": string,
"requested_by": string | null,
"status": Database["public"]['Enums']["refund_status"],
"succeeded_at": string | null,
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "refunds"
        isOneToOne: true
        isSetofReturn: false
      } },
"cancel_paid_registration":
{ Args: { "p_reason"?: string,"p_registration_id": string }; Returns: {
              "amount": number,
"applied_at": string | null,
"created_at": string,
"currency": string,
"failed_at": string | null,
"failure_reason": string | null,
"id": string,
"invoice_id": string,
"invoice_item_id": string | null,
"organization_id": string | null,
"provider": Database["public"]['Enums']["payment_provider"],
"provider_refund_id": string | null,
"reason": string | null,
"requested_at": string,
"requested_by": string | null,
"status": Database["public"]['Enums']["refund_status"],
"succeeded_at": string | null,
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "refunds"
        isOneToOne: true
        isSetofReturn: false
      } },
"cancel_registration":
{ Args: { "p_reason"?: string,"p_registration_id": string }; Returns: {
              "attended_at": string | null,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"check_in_token": string,
"confirmed_at": string | null,
"created_at": string,
"currency": string | null,
"event_id": string,
"expired_at": string | null,
"hold_expires_at": string | null,
"id": string,
"invited_by": string | null,
"invoice_id": string | null,
"offer_expires_at": string | null,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["registration_status"],
"transferred_at": string | null,
"transferred_from_user_id": string | null,
"updated_at": string,
"user_id": string,
"waitlisted_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "event_registrations"
        isOneToOne: true
        isSetofReturn: false
      } },
"certificate_document":
{ Args: { "p_certificate_id": string }; Returns: Json
                           },
"certificate_open_badge":
{ Args: { "p_certificate_id": string }; Returns: Json
                           },
"check_in_by_token":
{ Args: { "p_event_id"?: string,"p_session_id"?: string,"p_token": string }; Returns: Database["public"]['CompositeTypes']["check_in_result"]
                          SetofOptions: {
        from: "*"
        to: "check_in_result"
        isOneToOne: true
        isSetofReturn: false
      } },
"check_in_registration":
{ Args: { "p_registration_id": string,"p_session_id"?: string }; Returns: Database["public"]['CompositeTypes']["check_in_result"]
                          SetofOptions: {
        from: "*"
        to: "check_in_result"
        isOneToOne: true
        isSetofReturn: false
      } },
"checkout_course_enrollment":
{ Args: { "p_enrollment_id": string }; Returns: {
              "amount_paid": number,
"amount_refunded": number,
"channel": string | null,
"channel_desc": string | null,
"checkout_url": string | null,
"created_at": string,
"currency": string,
"description": string | null,
"expired_at": string | null,
"expires_at": string,
"id": string,
"number": string,
"organization_id": string | null,
"paid_at": string | null,
"provider": Database["public"]['Enums']["payment_provider"] | null,
"provider_payment_id": string | null,
"provider_reference": string | null,
"receipt_path": string | null,
"refunded_at": string | null,
"status": Database["public"]['Enums']["invoice_status"],
"status_desc": string | null,
"total_amount": number,
"updated_at": string,
"user_id": string,
"va_number": string | null,
"voided_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "invoices"
        isOneToOne: true
        isSetofReturn: false
      } },
"checkout_event_registration":
{ Args: { "p_registration_id": string }; Returns: {
              "amount_paid": number,
"amount_refunded": number,
"channel": string | null,
"channel_desc": string | null,
"checkout_url": string | null,
"created_at": string,
"currency": string,
"description": string | null,
"expired_at": string | null,
"expires_at": string,
"id": string,
"number": string,
"organization_id": string | null,
"paid_at": string | null,
"provider": Database["public"]['Enums']["payment_provider"] | null,
"provider_payment_id": string | null,
"provider_reference": string | null,
"receipt_path": string | null,
"refunded_at": string | null,
"status": Database["public"]['Enums']["invoice_status"],
"status_desc": string | null,
"total_amount": number,
"updated_at": string,
"user_id": string,
"va_number": string | null,
"voided_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "invoices"
        isOneToOne: true
        isSetofReturn: false
      } },
"checkout_membership":
{ Args: { "p_plan_id": string,"p_reward_points"?: number }; Returns: {
              "amount_paid": number,
"amount_refunded": number,
"channel": string | null,
"channel_desc": string | null,
"checkout_url": string | null,
"created_at": string,
"currency": string,
"description": string | null,
"expired_at": string | null,
"expires_at": string,
"id": string,
"number": string,
"organization_id": string | null,
"paid_at": string | null,
"provider": Database["public"]['Enums']["payment_provider"] | null,
"provider_payment_id": string | null,
"provider_reference": string | null,
"receipt_path": string | null,
"refunded_at": string | null,
"status": Database["public"]['Enums']["invoice_status"],
"status_desc": string | null,
"total_amount": number,
"updated_at": string,
"user_id": string,
"va_number": string | null,
"voided_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "invoices"
        isOneToOne: true
        isSetofReturn: false
      } },
"checkout_products":
{ Args: { "p_items": Json }; Returns: {
              "amount_paid": number,
"amount_refunded": number,
"channel": string | null,
"channel_desc": string | null,
"checkout_url": string | null,
"created_at": string,
"currency": string,
"description": string | null,
"expired_at": string | null,
"expires_at": string,
"id": string,
"number": string,
"organization_id": string | null,
"paid_at": string | null,
"provider": Database["public"]['Enums']["payment_provider"] | null,
"provider_payment_id": string | null,
"provider_reference": string | null,
"receipt_path": string | null,
"refunded_at": string | null,
"status": Database["public"]['Enums']["invoice_status"],
"status_desc": string | null,
"total_amount": number,
"updated_at": string,
"user_id": string,
"va_number": string | null,
"voided_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "invoices"
        isOneToOne: true
        isSetofReturn: false
      } },
"claim_due_emails":
{ Args: { "p_lease_seconds"?: number,"p_limit"?: number }; Returns: {
              "attempts": number,
"campaign_recipient_id": string | null,
"claim_id": string | null,
"claimed_until": string | null,
"created_at": string,
"data": NonNullable<Json>,
"digest_id": number | null,
"digest_period": string | null,
"due_at": string | null,
"id": number,
"last_error": string | null,
"locale": string,
"max_attempts": number,
"message_id": string | null,
"notification_id": string | null,
"sent_at": string | null,
"status": Database["public"]['Enums']["email_status"],
"template": string,
"to_email": string,
"user_id": string | null
            }[]
                          SetofOptions: {
        from: "*"
        to: "email_outbox"
        isOneToOne: false
        isSetofReturn: true
      } },
"claim_waitlist_offer":
{ Args: { "p_registration_id": string }; Returns: {
              "attended_at": string | null,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"check_in_token": string,
"confirmed_at": string | null,
"created_at": string,
"currency": string | null,
"event_id": string,
"expired_at": string | null,
"hold_expires_at": string | null,
"id": string,
"invited_by": string | null,
"invoice_id": string | null,
"offer_expires_at": string | null,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["registration_status"],
"transferred_at": string | null,
"transferred_from_user_id": string | null,
"updated_at": string,
"user_id": string,
"waitlisted_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "event_registrations"
        isOneToOne: true
        isSetofReturn: false
      } },
"close_chat_thread":
{ Args: { "p_thread_id": string }; Returns: {
              "assigned_to": string | null,
"created_at": string,
"id": string,
"last_message_at": string | null,
"member_id": string,
"organization_id": string | null,
"status": Database["public"]['Enums']["chat_thread_status"],
"subject": string,
"updated_at": string
            }
                          SetofOptions: {
        from: "*"
        to: "chat_threads"
        isOneToOne: true
        isSetofReturn: false
      } },
"complete_lesson":
{ Args: { "p_lesson_id": string }; Returns: {
              "cancelled_at": string | null,
"completed_at": string | null,
"course_id": string,
"currency": string | null,
"enrolled_at": string,
"id": string,
"invoice_id": string | null,
"lessons_completed": number,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["enrollment_status"],
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "course_enrollments"
        isOneToOne: true
        isSetofReturn: false
      } },
"confirm_course_enrollment_payment":
{ Args: { "p_enrollment_id": string,"p_invoice_id"?: string,"p_payment_reference": string }; Returns: {
              "cancelled_at": string | null,
"completed_at": string | null,
"course_id": string,
"currency": string | null,
"enrolled_at": string,
"id": string,
"invoice_id": string | null,
"lessons_completed": number,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["enrollment_status"],
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "course_enrollments"
        isOneToOne: true
        isSetofReturn: false
      } },
"confirm_registration_payment":
{ Args: { "p_invoice_id"?: string,"p_payment_reference": string,"p_registration_id": string }; Returns: {
              "attended_at": string | null,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"check_in_token": string,
"confirmed_at": string | null,
"created_at": string,
"currency": string | null,
"event_id": string,
"expired_at": string | null,
"hold_expires_at": string | null,
"id": string,
"invited_by": string | null,
"invoice_id": string | null,
"offer_expires_at": string | null,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["registration_status"],
"transferred_at": string | null,
"transferred_from_user_id": string | null,
"updated_at": string,
"user_id": string,
"waitlisted_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "event_registrations"
        isOneToOne: true
        isSetofReturn: false
      } },
"contact_timeline":
{ Args: { "p_before"?: string,"p_contact_id": string,"p_limit"?: number }; Returns: {
              "at": string,"channel": string,"detail": string,"kind": string,"source_id": string,"status": string,"title": string
            }[]
                           },
"correct_vehicle_odometer":
{ Args: { "p_odometer": number,"p_reason": string,"p_vehicle_id": string }; Returns: {
              "corrected_by": string | null,
"corrected_odometer": number,
"created_at": string,
"id": string,
"previous_odometer": number,
"reason": string,
"vehicle_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "vehicle_odometer_corrections"
        isOneToOne: true
        isSetofReturn: false
      } },
"cpd_credit_totals":
{ Args: { "p_from"?: string,"p_period"?: string,"p_time_zone"?: string,"p_to"?: string }; Returns: {
              "course_credits": number,"credits": number,"entry_count": number,"event_credits": number,"period_start": string,"self_reported_credits": number
            }[]
                           },
"create_organization_invitation":
{ Args: { "p_email"?: string,"p_expires_in"?: string,"p_is_person_in_charge"?: boolean,"p_message"?: string,"p_organization_id": string,"p_role"?: Database["public"]['Enums']["organization_role"] }; Returns: {
              "code": string,
"created_at": string,
"email": string | null,
"expires_at": string,
"id": string,
"invited_by": string | null,
"is_person_in_charge": boolean,
"message": string | null,
"organization_id": string,
"responded_at": string | null,
"responded_by": string | null,
"role": Database["public"]['Enums']["organization_role"],
"status": Database["public"]['Enums']["invitation_status"]
            }
                          SetofOptions: {
        from: "*"
        to: "organization_invitations"
        isOneToOne: true
        isSetofReturn: false
      } },
"credit_referral":
{ Args: { "p_referral_id": string }; Returns: Json
                           },
"decide_expert_verification":
{ Args: { "p_approve": boolean,"p_reason"?: string,"p_verification_id": string }; Returns: {
              "created_at": string,
"decided_at": string | null,
"decided_by": string | null,
"decision_reason": string | null,
"document_paths": (string)[],
"expertise_areas": (string)[],
"id": string,
"statement": string | null,
"status": Database["public"]['Enums']["expert_verification_status"],
"updated_at": string,
"user_id": string,
"years_of_experience": number
            }
                          SetofOptions: {
        from: "*"
        to: "expert_verifications"
        isOneToOne: true
        isSetofReturn: false
      } },
"decide_seller_verification":
{ Args: { "p_approve": boolean,"p_reason"?: string,"p_request_id": string }; Returns: {
              "created_at": string,
"decided_at": string | null,
"decided_by": string | null,
"details": string,
"id": string,
"profile_id": string | null,
"reason": string | null,
"requested_by": string,
"status": Database["public"]['Enums']["seller_verification_request_status"],
"store_id": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "seller_verification_requests"
        isOneToOne: true
        isSetofReturn: false
      } },
"decline_organization_invitation":
{ Args: { "p_code": string }; Returns: {
              "code": string,
"created_at": string,
"email": string | null,
"expires_at": string,
"id": string,
"invited_by": string | null,
"is_person_in_charge": boolean,
"message": string | null,
"organization_id": string,
"responded_at": string | null,
"responded_by": string | null,
"role": Database["public"]['Enums']["organization_role"],
"status": Database["public"]['Enums']["invitation_status"]
            }
                          SetofOptions: {
        from: "*"
        to: "organization_invitations"
        isOneToOne: true
        isSetofReturn: false
      } },
"delete_chat_message":
{ Args: { "p_message_id": string }; Returns: {
              "attachments": (string)[],
"body": string,
"created_at": string,
"deleted_at": string | null,
"edited_at": string | null,
"id": string,
"sender_id": string,
"thread_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "chat_messages"
        isOneToOne: true
        isSetofReturn: false
      } },
"edit_chat_message":
{ Args: { "p_body": string,"p_message_id": string }; Returns: {
              "attachments": (string)[],
"body": string,
"created_at": string,
"deleted_at": string | null,
"edited_at": string | null,
"id": string,
"sender_id": string,
"thread_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "chat_messages"
        isOneToOne: true
        isSetofReturn: false
      } },
"enroll_in_course":
{ Args: { "p_course_id": string }; Returns: {
              "cancelled_at": string | null,
"completed_at": string | null,
"course_id": string,
"currency": string | null,
"enrolled_at": string,
"id": string,
"invoice_id": string | null,
"lessons_completed": number,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["enrollment_status"],
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "course_enrollments"
        isOneToOne: true
        isSetofReturn: false
      } },
"event_attendance_summary":
{ Args: { "p_event_id": string }; Returns: {
              "checked_in_count": number,"confirmed_count": number,"session_id": string,"session_title": string,"starts_at": string
            }[]
                           },
"expire_due_invoices":
{ Args: Record<PropertyKey, never>; Returns: {
              "amount_paid": number,
"amount_refunded": number,
"channel": string | null,
"channel_desc": string | null,
"checkout_url": string | null,
"created_at": string,
"currency": string,
"description": string | null,
"expired_at": string | null,
"expires_at": string,
"id": string,
"number": string,
"organization_id": string | null,
"paid_at": string | null,
"provider": Database["public"]['Enums']["payment_provider"] | null,
"provider_payment_id": string | null,
"provider_reference": string | null,
"receipt_path": string | null,
"refunded_at": string | null,
"status": Database["public"]['Enums']["invoice_status"],
"status_desc": string | null,
"total_amount": number,
"updated_at": string,
"user_id": string,
"va_number": string | null,
"voided_at": string | null
            }[]
                          SetofOptions: {
        from: "*"
        to: "invoices"
        isOneToOne: false
        isSetofReturn: true
      } },
"export_contacts_csv":
{ Args: { "p_organization_id": string }; Returns: string
                           },
"export_cpd_credits_csv":
{ Args: { "p_from"?: string,"p_to"?: string }; Returns: string
                           },
"export_organization_cpd_credits_csv":
{ Args: { "p_from"?: string,"p_organization_id": string,"p_to"?: string }; Returns: string
                           },
"export_survey_responses":
{ Args: { "p_format"?: string,"p_object_id"?: string,"p_object_kind"?: string,"p_survey_id": string }; Returns: string
                           },
"flag_content":
{ Args: { "p_details"?: string,"p_reason": Database["public"]['Enums']["content_flag_reason"],"p_target_id": string,"p_target_kind": string }; Returns: {
              "created_at": string,
"details": string | null,
"flagged_by": string,
"id": string,
"reason": Database["public"]['Enums']["content_flag_reason"],
"resolution": Database["public"]['Enums']["content_flag_resolution"] | null,
"resolved_at": string | null,
"resolved_by": string | null,
"target_id": string,
"target_kind": string,
"weight": number
            }
                          SetofOptions: {
        from: "*"
        to: "content_flags"
        isOneToOne: true
        isSetofReturn: false
      } },
"get_notification_preferences":
{ Args: Record<PropertyKey, never>; Returns: Json
                           },
"grant_membership":
{ Args: { "p_months"?: number,"p_plan_id": string,"p_reason": string,"p_user_id": string }; Returns: {
              "created_at": string,
"ended_at": string | null,
"ends_at": string | null,
"grant_reason": string | null,
"granted_by": string | null,
"id": string,
"invoice_id": string | null,
"plan_id": string,
"starts_at": string | null,
"status": Database["public"]['Enums']["membership_status"],
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "memberships"
        isOneToOne: true
        isSetofReturn: false
      } },
"import_contacts":
{ Args: { "p_csv": string,"p_organization_id": string,"p_source"?: string }; Returns: Json
                           },
"ingest_telemetry":
{ Args: { "p_dongle_token"?: string,"p_ended_at": string,"p_idempotency_key": string,"p_samples": Json,"p_started_at": string,"p_vehicle_id": string }; Returns: {
              "batch_id": string,"duplicate": boolean,"sample_count": number,"vehicle_odometer": number
            }[]
                           },
"invite_to_survey":
{ Args: { "p_event_id"?: string,"p_organization_id"?: string,"p_survey_id": string,"p_user_ids"?: (string)[] }; Returns: number
                           },
"invite_to_survey_by_email":
{ Args: { "p_emails": (string)[],"p_survey_id": string }; Returns: number
                           },
"issue_certificate":
{ Args: { "p_cpd_cycle"?: string,"p_enrollment_id"?: string,"p_registration_id"?: string }; Returns: {
              "achieved_at": string,
"certificate_number": string,
"cpd_credits": number,
"cpd_cycle": string | null,
"enrollment_id": string | null,
"expires_at": string | null,
"holder_id": string,
"holder_name": string,
"id": string,
"issued_at": string,
"issued_by": string | null,
"organization_id": string | null,
"pdf_generated_at": string | null,
"pdf_path": string | null,
"registration_id": string | null,
"reissue_of": string | null,
"revocation_reason": string | null,
"revoked_at": string | null,
"revoked_by": string | null,
"template_id": string | null,
"title": string,
"verification_code": string
            }
                          SetofOptions: {
        from: "*"
        to: "certificates"
        isOneToOne: true
        isSetofReturn: false
      } },
"issue_event_certificates":
{ Args: { "p_cpd_cycle"?: string,"p_event_id": string }; Returns: {
              "achieved_at": string,
"certificate_number": string,
"cpd_credits": number,
"cpd_cycle": string | null,
"enrollment_id": string | null,
"expires_at": string | null,
"holder_id": string,
"holder_name": string,
"id": string,
"issued_at": string,
"issued_by": string | null,
"organization_id": string | null,
"pdf_generated_at": string | null,
"pdf_path": string | null,
"registration_id": string | null,
"reissue_of": string | null,
"revocation_reason": string | null,
"revoked_at": string | null,
"revoked_by": string | null,
"template_id": string | null,
"title": string,
"verification_code": string
            }[]
                          SetofOptions: {
        from: "*"
        to: "certificates"
        isOneToOne: false
        isSetofReturn: true
      } },
"learning_path_progress":
{ Args: { "p_learning_path_id": string }; Returns: {
              "completed_at": string,"course_id": string,"course_title": string,"enrollment_id": string,"enrollment_status": Database["public"]['Enums']["enrollment_status"],"lesson_count": number,"lessons_completed": number,"position": number
            }[]
                           },
"lift_suspension":
{ Args: { "p_reason"?: string,"p_user_id": string }; Returns: boolean
                           },
"link_dongle":
{ Args: { "p_connection_type": Database["public"]['Enums']["dongle_connection_type"],"p_serial": string,"p_vehicle_id": string }; Returns: {
              "connection_type": Database["public"]['Enums']["dongle_connection_type"],"id": string,"linked_at": string,"serial": string,"token": string,"vehicle_id": string
            }[]
                           },
"link_zoom_meeting":
{ Args: { "p_attendance_threshold"?: number,"p_event_id": string,"p_join_url": string,"p_passcode"?: string,"p_session_id"?: string,"p_start_url"?: string,"p_zoom_meeting_id": string }; Returns: {
              "attendance_threshold": number,
"created_at": string,
"created_by": string | null,
"duration_minutes": number,
"event_id": string,
"id": string,
"join_url": string,
"organization_id": string,
"passcode": string | null,
"session_id": string | null,
"start_url": string | null,
"starts_at": string,
"zoom_meeting_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "zoom_meetings"
        isOneToOne: true
        isSetofReturn: false
      } },
"mark_chat_read":
{ Args: { "p_thread_id": string }; Returns: {
              "joined_at": string,
"last_read_at": string,
"role": Database["public"]['Enums']["chat_participant_role"],
"thread_id": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "chat_participants"
        isOneToOne: true
        isSetofReturn: false
      } },
"mark_email_failed":
{ Args: { "p_claim_id": string,"p_error": string,"p_id": number,"p_permanent"?: boolean }; Returns: Database["public"]['Enums']["email_status"]
                           },
"mark_email_sent":
{ Args: { "p_claim_id": string,"p_id": number,"p_message_id": string }; Returns: boolean
                           },
"mark_notifications_read":
{ Args: { "p_ids"?: (string)[] }; Returns: number
                           },
"mark_refund_submitted":
{ Args: { "p_failure"?: string,"p_provider_refund_id": string,"p_refund_id": string }; Returns: {
              "amount": number,
"applied_at": string | null,
"created_at": string,
"currency": string,
"failed_at": string | null,
"failure_reason": string | null,
"id": string,
"invoice_id": string,
"invoice_item_id": string | null,
"organization_id": string | null,
"provider": Database["public"]['Enums']["payment_provider"],
"provider_refund_id": string | null,
"reason": string | null,
"requested_at": string,
"requested_by": string | null,
"status": Database["public"]['Enums']["refund_status"],
"succeeded_at": string | null,
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "refunds"
        isOneToOne: true
        isSetofReturn: false
      } },
"moderate_content":
{ Args: { "p_action": string,"p_reason"?: string,"p_target_id": string,"p_target_kind": string }; Returns: {
              "author_id": string | null,
"decided_at": string | null,
"decided_by": string | null,
"decision_reason": string | null,
"first_flagged_at": string | null,
"last_flagged_at": string | null,
"open_flags": number,
"open_weight": number,
"state": Database["public"]['Enums']["forum_moderation_state"],
"target_id": string,
"target_kind": string
            }
                          SetofOptions: {
        from: "*"
        to: "moderation_items"
        isOneToOne: true
        isSetofReturn: false
      } },
"my_chat_threads":
{ Args: Record<PropertyKey, never>; Returns: {
              "assigned_to": string,"created_at": string,"id": string,"last_message": string,"last_message_at": string,"member_id": string,"organization_id": string,"status": Database["public"]['Enums']["chat_thread_status"],"subject": string,"unread_count": number
            }[]
                           },
"my_membership":
{ Args: Record<PropertyKey, never>; Returns: Json
                           },
"my_referrals":
{ Args: Record<PropertyKey, never>; Returns: Json
                           },
"new_survey_version":
{ Args: { "p_survey_id": string }; Returns: string
                           },
"parts_that_fit":
{ Args: { "p_category_id"?: string,"p_make"?: string,"p_model"?: string,"p_vehicle_id"?: string,"p_year"?: number }; Returns: {
              "archived_at": string | null,
"average_rating": number | null,
"brand": string,
"category_id": string,
"city": string | null,
"comment_count": number,
"condition": Database["public"]['Enums']["part_condition"],
"created_at": string,
"currency": string,
"description": string | null,
"featured_until": string | null,
"id": string,
"part_number": string | null,
"price_amount": number,
"product_id": string | null,
"published_at": string | null,
"quantity": number,
"rating_sum": number,
"review_count": number,
"search_vector": unknown,
"seller_id": string,
"sold_at": string | null,
"status": Database["public"]['Enums']["listing_status"],
"store_id": string | null,
"title": string,
"updated_at": string,
"warranty_months": number
            }[]
                          SetofOptions: {
        from: "*"
        to: "part_listings"
        isOneToOne: false
        isSetofReturn: true
      } },
"presign_member_file":
{ Args: { "p_content_type": string,"p_file_name": string,"p_purpose"?: Database["public"]['Enums']["member_file_purpose"],"p_size_bytes": number }; Returns: {
              "content_type": string,
"created_at": string,
"file_name": string,
"id": string,
"purpose": Database["public"]['Enums']["member_file_purpose"],
"size_bytes": number,
"storage_path": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "member_files"
        isOneToOne: true
        isSetofReturn: false
      } },
"preview_segment":
{ Args: { "p_organization_id": string,"p_rules": Json,"p_sample"?: number }; Returns: Json
                           },
"process_expired_registrations":
{ Args: Record<PropertyKey, never>; Returns: number
                           },
"purge_old_telemetry":
{ Args: Record<PropertyKey, never>; Returns: number
                           },
"record_campaign_click":
{ Args: { "p_recipient_id": string,"p_url": string }; Returns: boolean
                           },
"record_campaign_open":
{ Args: { "p_recipient_id": string }; Returns: boolean
                           },
"record_manual_payment":
{ Args: { "p_amount"?: number,"p_invoice_id": string,"p_reference": string }; Returns: {
              "amount_paid": number,
"amount_refunded": number,
"channel": string | null,
"channel_desc": string | null,
"checkout_url": string | null,
"created_at": string,
"currency": string,
"description": string | null,
"expired_at": string | null,
"expires_at": string,
"id": string,
"number": string,
"organization_id": string | null,
"paid_at": string | null,
"provider": Database["public"]['Enums']["payment_provider"] | null,
"provider_payment_id": string | null,
"provider_reference": string | null,
"receipt_path": string | null,
"refunded_at": string | null,
"status": Database["public"]['Enums']["invoice_status"],
"status_desc": string | null,
"total_amount": number,
"updated_at": string,
"user_id": string,
"va_number": string | null,
"voided_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "invoices"
        isOneToOne: true
        isSetofReturn: false
      } },
"record_organization_zoom_participant_event":
{ Args: { "p_event": Json,"p_organization_id": string }; Returns: Json
                           },
"record_registration_refund":
{ Args: { "p_registration_id": string }; Returns: {
              "attended_at": string | null,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"check_in_token": string,
"confirmed_at": string | null,
"created_at": string,
"currency": string | null,
"event_id": string,
"expired_at": string | null,
"hold_expires_at": string | null,
"id": string,
"invited_by": string | null,
"invoice_id": string | null,
"offer_expires_at": string | null,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["registration_status"],
"transferred_at": string | null,
"transferred_from_user_id": string | null,
"updated_at": string,
"user_id": string,
"waitlisted_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "event_registrations"
        isOneToOne: true
        isSetofReturn: false
      } },
"record_thread_view":
{ Args: { "p_thread_id": string }; Returns: number
                           },
"record_zoom_participant_event":
{ Args: { "p_event": Json }; Returns: Json
                           },
"redeem_offer":
{ Args: { "p_location_id"?: string,"p_offer_id": string,"p_vehicle_id"?: string }; Returns: {
              "id": string,
"location_id": string | null,
"offer_id": string,
"redeem_once": boolean,
"redeemed_at": string,
"user_id": string,
"vehicle_id": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "offer_redemptions"
        isOneToOne: true
        isSetofReturn: false
      } },
"register_for_event":
{ Args: { "p_event_id": string,"p_invited_by"?: string }; Returns: {
              "attended_at": string | null,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"check_in_token": string,
"confirmed_at": string | null,
"created_at": string,
"currency": string | null,
"event_id": string,
"expired_at": string | null,
"hold_expires_at": string | null,
"id": string,
"invited_by": string | null,
"invoice_id": string | null,
"offer_expires_at": string | null,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["registration_status"],
"transferred_at": string | null,
"transferred_from_user_id": string | null,
"updated_at": string,
"user_id": string,
"waitlisted_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "event_registrations"
        isOneToOne: true
        isSetofReturn: false
      } },
"register_push_device":
{ Args: { "p_app_version"?: string,"p_device_id": string,"p_platform": Database["public"]['Enums']["push_platform"],"p_push_token": string }; Returns: {
              "app_version": string | null,
"created_at": string,
"device_id": string,
"id": string,
"platform": Database["public"]['Enums']["push_platform"],
"push_token": string,
"session_id": string | null,
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "push_devices"
        isOneToOne: true
        isSetofReturn: false
      } },
"reissue_certificate":
{ Args: { "p_certificate_id": string,"p_cpd_cycle": string }; Returns: {
              "achieved_at": string,
"certificate_number": string,
"cpd_credits": number,
"cpd_cycle": string | null,
"enrollment_id": string | null,
"expires_at": string | null,
"holder_id": string,
"holder_name": string,
"id": string,
"issued_at": string,
"issued_by": string | null,
"organization_id": string | null,
"pdf_generated_at": string | null,
"pdf_path": string | null,
"registration_id": string | null,
"reissue_of": string | null,
"revocation_reason": string | null,
"revoked_at": string | null,
"revoked_by": string | null,
"template_id": string | null,
"title": string,
"verification_code": string
            }
                          SetofOptions: {
        from: "*"
        to: "certificates"
        isOneToOne: true
        isSetofReturn: false
      } },
"related_blog_posts":
{ Args: { "p_limit"?: number,"p_post_id": string }; Returns: {
              "archived_at": string | null,
"author_id": string | null,
"category_id": string | null,
"content": string,
"created_at": string,
"id": string,
"main_image_path": string | null,
"notified_at": string | null,
"organization_id": string | null,
"publish_at": string | null,
"search_vector": unknown,
"slug": string,
"status": Database["public"]['Enums']["blog_post_status"],
"summary": string | null,
"tags": (string)[],
"title": string,
"updated_at": string,
"youtube_embed_url": string | null,
"youtube_id": string | null
            }[]
                          SetofOptions: {
        from: "*"
        to: "blog_posts"
        isOneToOne: false
        isSetofReturn: true
      } },
"remind_survey_invitees":
{ Args: { "p_min_interval"?: string,"p_survey_id": string }; Returns: number
                           },
"request_refund":
{ Args: { "p_amount"?: number,"p_invoice_id": string,"p_invoice_item_id"?: string,"p_reason"?: string }; Returns: {
              "amount": number,
"applied_at": string | null,
"created_at": string,
"currency": string,
"failed_at": string | null,
"failure_reason": string | null,
"id": string,
"invoice_id": string,
"invoice_item_id": string | null,
"organization_id": string | null,
"provider": Database["public"]['Enums']["payment_provider"],
"provider_refund_id": string | null,
"reason": string | null,
"requested_at": string,
"requested_by": string | null,
"status": Database["public"]['Enums']["refund_status"],
"succeeded_at": string | null,
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "refunds"
        isOneToOne: true
        isSetofReturn: false
      } },
"request_seller_verification":
{ Args: { "p_details": string,"p_store_id"?: string }; Returns: {
              "created_at": string,
"decided_at": string | null,
"decided_by": string | null,
"details": string,
"id": string,
"profile_id": string | null,
"reason": string | null,
"requested_by": string,
"status": Database["public"]['Enums']["seller_verification_request_status"],
"store_id": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "seller_verification_requests"
        isOneToOne: true
        isSetofReturn: false
      } },
"reschedule_appointment":
{ Args: { "p_appointment_id": string,"p_starts_at": string }; Returns: {
              "bay_id": string,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"created_at": string,
"currency": string,
"ends_at": string,
"id": string,
"location_id": string,
"notes": string | null,
"starts_at": string,
"status": Database["public"]['Enums']["appointment_status"],
"total_amount": number,
"updated_at": string,
"user_id": string,
"vehicle_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "appointments"
        isOneToOne: true
        isSetofReturn: false
      } },
"resolve_blog_slug":
{ Args: { "p_slug": string }; Returns: {
              "post_id": string,"redirected": boolean,"slug": string
            }[]
                           },
"revoke_certificate":
{ Args: { "p_certificate_id": string,"p_reason": string }; Returns: {
              "achieved_at": string,
"certificate_number": string,
"cpd_credits": number,
"cpd_cycle": string | null,
"enrollment_id": string | null,
"expires_at": string | null,
"holder_id": string,
"holder_name": string,
"id": string,
"issued_at": string,
"issued_by": string | null,
"organization_id": string | null,
"pdf_generated_at": string | null,
"pdf_path": string | null,
"registration_id": string | null,
"reissue_of": string | null,
"revocation_reason": string | null,
"revoked_at": string | null,
"revoked_by": string | null,
"template_id": string | null,
"title": string,
"verification_code": string
            }
                          SetofOptions: {
        from: "*"
        to: "certificates"
        isOneToOne: true
        isSetofReturn: false
      } },
"revoke_dongle_token":
{ Args: { "p_dongle_id": string }; Returns: {
              "connection_type": Database["public"]['Enums']["dongle_connection_type"],
"created_at": string,
"id": string,
"last_seen_at": string | null,
"linked_at": string | null,
"owner_id": string,
"serial": string,
"token_issued_at": string | null,
"token_revoked_at": string | null,
"updated_at": string,
"vehicle_id": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "obd_dongles"
        isOneToOne: true
        isSetofReturn: false
      } },
"revoke_seller_verification":
{ Args: { "p_profile_id"?: string,"p_reason": string,"p_store_id"?: string }; Returns: {
              "created_at": string,
"decided_at": string | null,
"decided_by": string | null,
"details": string,
"id": string,
"profile_id": string | null,
"reason": string | null,
"requested_by": string,
"status": Database["public"]['Enums']["seller_verification_request_status"],
"store_id": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "seller_verification_requests"
        isOneToOne: true
        isSetofReturn: false
      } },
"save_survey_progress":
{ Args: { "p_answers": Json,"p_object_id"?: string,"p_object_kind"?: string,"p_survey_id": string }; Returns: {
              "answers": NonNullable<Json>,
"id": string,
"object_id": string | null,
"object_kind": string | null,
"survey_id": string,
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "survey_drafts"
        isOneToOne: true
        isSetofReturn: false
      } },
"save_survey_progress_by_invitation":
{ Args: { "p_answers": Json,"p_token": string }; Returns: Json
                           },
"search_car_listings":
{ Args: { "p_after_featured"?: boolean,"p_after_id"?: string,"p_after_sort_key"?: number,"p_city"?: string,"p_currency"?: string,"p_fuel_type"?: Database["public"]['Enums']["fuel_type"],"p_limit"?: number,"p_make"?: string,"p_mileage_max"?: number,"p_model"?: string,"p_near_latitude"?: number,"p_near_longitude"?: number,"p_price_max"?: number,"p_price_min"?: number,"p_query"?: string,"p_sort"?: string,"p_transmission"?: Database["public"]['Enums']["car_transmission"],"p_within_km"?: number,"p_year_max"?: number,"p_year_min"?: number }; Returns: {
              "distance_km": number,"is_featured": boolean,"listing": Database["public"]['Tables']["car_listings"]['Row'],"rank": number,"sort_key": number
            }[]
                           },
"search_events":
{ Args: { "max_rows"?: number,"search": string,"starts_from"?: string }; Returns: {
              "allow_transfers": boolean,
"attended_count": number,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"capacity": number | null,
"category_id": string | null,
"certificate_template_id": string | null,
"completed_at": string | null,
"confirmed_count": number,
"cpd_category": string | null,
"cpd_credits": number,
"created_at": string,
"created_by": string | null,
"currency": string | null,
"description": string | null,
"ends_at": string,
"format": Database["public"]['Enums']["event_format"],
"held_count": number,
"id": string,
"is_free": boolean | null,
"level": Database["public"]['Enums']["skill_level"],
"main_image_path": string | null,
"members_only": boolean,
"organization_id": string | null,
"payment_hold_minutes": number,
"price_amount": number,
"published_at": string | null,
"refund_cutoff_hours": number | null,
"region_id": string | null,
"registration_closed": boolean,
"registration_closes_at": string | null,
"registration_opens_at": string | null,
"slug": string,
"starts_at": string,
"status": Database["public"]['Enums']["event_status"],
"summary": string | null,
"time_zone": string,
"title": string,
"updated_at": string,
"venue_address": string | null,
"venue_name": string | null,
"waitlist_claim_minutes": number,
"waitlist_count": number
            }[]
                          SetofOptions: {
        from: "*"
        to: "events"
        isOneToOne: false
        isSetofReturn: true
      } },
"search_part_listings":
{ Args: { "p_after_featured"?: boolean,"p_after_id"?: string,"p_after_sort_key"?: number,"p_brand"?: string,"p_category_id"?: string,"p_condition"?: Database["public"]['Enums']["part_condition"],"p_currency"?: string,"p_fits_make"?: string,"p_fits_model"?: string,"p_fits_year"?: number,"p_limit"?: number,"p_price_max"?: number,"p_price_min"?: number,"p_query"?: string,"p_sort"?: string }; Returns: {
              "is_featured": boolean,"listing": Database["public"]['Tables']["part_listings"]['Row'],"rank": number,"sort_key": number
            }[]
                           },
"segment_contacts":
{ Args: { "p_segment_id": string }; Returns: {
              "company": string | null,
"consented_channels": (Database["public"]['Enums']["contact_channel"])[],
"created_at": string,
"created_by": string | null,
"custom_fields": NonNullable<Json>,
"email": string,
"full_name": string | null,
"id": string,
"organization_id": string,
"phone": string | null,
"profile_id": string | null,
"source": string,
"tags": (string)[],
"updated_at": string
            }[]
                          SetofOptions: {
        from: "*"
        to: "contacts"
        isOneToOne: false
        isSetofReturn: true
      } },
"send_campaign":
{ Args: { "p_at"?: string,"p_campaign_id": string }; Returns: {
              "body": string,
"cancelled_at": string | null,
"clicked_count": number,
"contact_ids": (string)[] | null,
"created_at": string,
"created_by": string | null,
"event_id": string | null,
"failed_count": number,
"finished_at": string | null,
"id": string,
"name": string,
"opened_count": number,
"organization_id": string,
"queued_at": string | null,
"rate_per_minute": number,
"recipient_count": number,
"scheduled_at": string | null,
"segment_id": string | null,
"sender_name": string | null,
"sent_count": number,
"skipped_count": number,
"status": Database["public"]['Enums']["campaign_status"],
"subject": string,
"track_clicks": boolean,
"track_opens": boolean,
"updated_at": string
            }
                          SetofOptions: {
        from: "*"
        to: "email_campaigns"
        isOneToOne: true
        isSetofReturn: false
      } },
"send_campaign_test":
{ Args: { "p_campaign_id": string }; Returns: number
                           },
"send_system_announcement":
{ Args: { "p_action_url"?: string,"p_body"?: string,"p_title": string }; Returns: number
                           },
"service_due":
{ Args: { "p_vehicle_id"?: string }; Returns: {
              "due_odometer": number,"due_on": string,"is_due": boolean,"last_odometer": number,"last_performed_on": string,"odometer": number,"odometer_unit": Database["public"]['Enums']["odometer_unit"],"owner_id": string,"service_code": string,"service_name": string,"vehicle_id": string
            }[]
                           },
"set_certificate_expiry":
{ Args: { "p_certificate_id": string,"p_expires_at": string }; Returns: {
              "achieved_at": string,
"certificate_number": string,
"cpd_credits": number,
"cpd_cycle": string | null,
"enrollment_id": string | null,
"expires_at": string | null,
"holder_id": string,
"holder_name": string,
"id": string,
"issued_at": string,
"issued_by": string | null,
"organization_id": string | null,
"pdf_generated_at": string | null,
"pdf_path": string | null,
"registration_id": string | null,
"reissue_of": string | null,
"revocation_reason": string | null,
"revoked_at": string | null,
"revoked_by": string | null,
"template_id": string | null,
"title": string,
"verification_code": string
            }
                          SetofOptions: {
        from: "*"
        to: "certificates"
        isOneToOne: true
        isSetofReturn: false
      } },
"set_notification_preference":
{ Args: { "p_email"?: boolean,"p_in_app"?: boolean,"p_type": string }; Returns: Json
                           },
"set_notification_settings":
{ Args: { "p_clear_quiet_hours"?: boolean,"p_email_frequency"?: Database["public"]['Enums']["email_frequency"],"p_locale"?: string,"p_quiet_hours_end"?: string,"p_quiet_hours_start"?: string,"p_time_zone"?: string }; Returns: Json
                           },
"set_person_in_charge":
{ Args: { "p_organization_id": string,"p_user_id": string }; Returns: {
              "id": string,
"invited_by": string | null,
"is_person_in_charge": boolean,
"joined_at": string,
"organization_id": string,
"role": Database["public"]['Enums']["organization_role"],
"updated_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "organization_members"
        isOneToOne: true
        isSetofReturn: false
      } },
"set_thread_highlights":
{ Args: { "p_is_featured"?: boolean,"p_is_pinned"?: boolean,"p_thread_id": string }; Returns: {
              "accepted_count": number,
"author_id": string,
"body": string,
"car_make": string | null,
"car_model": string | null,
"car_year": number | null,
"category_id": string,
"closed_at": string | null,
"created_at": string,
"edited_at": string | null,
"id": string,
"is_featured": boolean,
"is_pinned": boolean,
"last_activity_at": string,
"moderation_state": Database["public"]['Enums']["forum_moderation_state"],
"resolved_at": string | null,
"response_count": number,
"search": unknown,
"status": Database["public"]['Enums']["forum_thread_status"],
"title": string,
"updated_at": string,
"view_count": number
            }
                          SetofOptions: {
        from: "*"
        to: "forum_threads"
        isOneToOne: true
        isSetofReturn: false
      } },
"set_thread_status":
{ Args: { "p_status": Database["public"]['Enums']["forum_thread_status"],"p_thread_id": string }; Returns: {
              "accepted_count": number,
"author_id": string,
"body": string,
"car_make": string | null,
"car_model": string | null,
"car_year": number | null,
"category_id": string,
"closed_at": string | null,
"created_at": string,
"edited_at": string | null,
"id": string,
"is_featured": boolean,
"is_pinned": boolean,
"last_activity_at": string,
"moderation_state": Database["public"]['Enums']["forum_moderation_state"],
"resolved_at": string | null,
"response_count": number,
"search": unknown,
"status": Database["public"]['Enums']["forum_thread_status"],
"title": string,
"updated_at": string,
"view_count": number
            }
                          SetofOptions: {
        from: "*"
        to: "forum_threads"
        isOneToOne: true
        isSetofReturn: false
      } },
"start_chat_thread":
{ Args: { "p_body"?: string,"p_organization_id"?: string,"p_subject": string }; Returns: {
              "assigned_to": string | null,
"created_at": string,
"id": string,
"last_message_at": string | null,
"member_id": string,
"organization_id": string | null,
"status": Database["public"]['Enums']["chat_thread_status"],
"subject": string,
"updated_at": string
            }
                          SetofOptions: {
        from: "*"
        to: "chat_threads"
        isOneToOne: true
        isSetofReturn: false
      } },
"submit_assessment_attempt":
{ Args: { "p_answers": Json,"p_assessment_id": string }; Returns: {
              "answers": NonNullable<Json>,
"assessment_id": string,
"attempt_number": number,
"enrollment_id": string,
"id": string,
"max_points": number,
"organization_id": string | null,
"passed": boolean,
"score_percent": number,
"score_points": number,
"submitted_at": string,
"user_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "assessment_attempts"
        isOneToOne: true
        isSetofReturn: false
      } },
"submit_survey_response":
{ Args: { "p_answers": Json,"p_object_id"?: string,"p_object_kind"?: string,"p_survey_id": string }; Returns: {
              "answers": NonNullable<Json>,
"id": string,
"object_id": string | null,
"object_kind": string | null,
"organization_id": string | null,
"respondent_id": string | null,
"submitted_at": string,
"survey_id": string
            }
                          SetofOptions: {
        from: "*"
        to: "survey_responses"
        isOneToOne: true
        isSetofReturn: false
      } },
"submit_survey_response_by_invitation":
{ Args: { "p_answers": Json,"p_token": string }; Returns: string
                           },
"survey_form":
{ Args: { "p_answers"?: Json,"p_object_id"?: string,"p_object_kind"?: string,"p_survey_id": string }; Returns: Json
                           },
"survey_invitation":
{ Args: { "p_token": string }; Returns: Json
                           },
"survey_question_summaries":
{ Args: { "p_from"?: string,"p_object_id"?: string,"p_object_kind"?: string,"p_survey_id": string,"p_to"?: string,"p_where"?: Json }; Returns: {
              "answered": number,"question_key": string,"question_text": string,"question_type": Database["public"]['Enums']["survey_question_type"],"responses": number,"summary": Json
            }[]
                           },
"suspend_account":
{ Args: { "p_reason": string,"p_until"?: string,"p_user_id": string }; Returns: {
              "profile_id": string,
"reason": string | null,
"suspended_at": string,
"suspended_by": string | null,
"suspended_until": string | null,
"updated_at": string
            }
                          SetofOptions: {
        from: "*"
        to: "profile_suspensions"
        isOneToOne: true
        isSetofReturn: false
      } },
"sync_offline_check_ins":
{ Args: { "p_device_id"?: string,"p_scans": Json }; Returns: Database["public"]['CompositeTypes']["check_in_result"][]
                          SetofOptions: {
        from: "*"
        to: "check_in_result"
        isOneToOne: false
        isSetofReturn: true
      } },
"telemetry_aggregates":
{ Args: { "p_bucket"?: string,"p_from": string,"p_to": string,"p_vehicle_id": string }; Returns: {
              "avg_fuel_rate": number,"avg_speed": number,"bucket_start": string,"max_odometer": number,"max_speed": number,"min_odometer": number,"samples": number
            }[]
                           },
"transfer_registration":
{ Args: { "p_recipient_id": string,"p_registration_id": string }; Returns: {
              "attended_at": string | null,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"check_in_token": string,
"confirmed_at": string | null,
"created_at": string,
"currency": string | null,
"event_id": string,
"expired_at": string | null,
"hold_expires_at": string | null,
"id": string,
"invited_by": string | null,
"invoice_id": string | null,
"offer_expires_at": string | null,
"organization_id": string | null,
"paid_at": string | null,
"payment_reference": string | null,
"price_amount": number,
"refunded_at": string | null,
"status": Database["public"]['Enums']["registration_status"],
"transferred_at": string | null,
"transferred_from_user_id": string | null,
"updated_at": string,
"user_id": string,
"waitlisted_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "event_registrations"
        isOneToOne: true
        isSetofReturn: false
      } },
"unlink_dongle":
{ Args: { "p_dongle_id": string }; Returns: {
              "connection_type": Database["public"]['Enums']["dongle_connection_type"],
"created_at": string,
"id": string,
"last_seen_at": string | null,
"linked_at": string | null,
"owner_id": string,
"serial": string,
"token_issued_at": string | null,
"token_revoked_at": string | null,
"updated_at": string,
"vehicle_id": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "obd_dongles"
        isOneToOne: true
        isSetofReturn: false
      } },
"unread_notification_counts":
{ Args: Record<PropertyKey, never>; Returns: {
              "type": string,"unread": number
            }[]
                           },
"unsubscribe_from_email":
{ Args: { "p_token": string }; Returns: Json
                           },
"upcoming_appointments":
{ Args: Record<PropertyKey, never>; Returns: {
              "bay_id": string,
"cancellation_reason": string | null,
"cancelled_at": string | null,
"cancelled_by": string | null,
"created_at": string,
"currency": string,
"ends_at": string,
"id": string,
"location_id": string,
"notes": string | null,
"starts_at": string,
"status": Database["public"]['Enums']["appointment_status"],
"total_amount": number,
"updated_at": string,
"user_id": string,
"vehicle_id": string
            }[]
                          SetofOptions: {
        from: "*"
        to: "appointments"
        isOneToOne: false
        isSetofReturn: true
      } },
"verify_certificate":
{ Args: { "p_code": string }; Returns: {
              "achieved_at": string,"certificate_number": string,"expires_at": string,"holder_name": string,"issued_at": string,"issuer_name": string,"revoked_at": string,"status": string,"title": string
            }[]
                           },
"vin_problem":
{ Args: { "p_vin": string }; Returns: string
                           },
"void_invoice":
{ Args: { "p_invoice_id": string }; Returns: {
              "amount_paid": number,
"amount_refunded": number,
"channel": string | null,
"channel_desc": string | null,
"checkout_url": string | null,
"created_at": string,
"currency": string,
"description": string | null,
"expired_at": string | null,
"expires_at": string,
"id": string,
"number": string,
"organization_id": string | null,
"paid_at": string | null,
"provider": Database["public"]['Enums']["payment_provider"] | null,
"provider_payment_id": string | null,
"provider_reference": string | null,
"receipt_path": string | null,
"refunded_at": string | null,
"status": Database["public"]['Enums']["invoice_status"],
"status_desc": string | null,
"total_amount": number,
"updated_at": string,
"user_id": string,
"va_number": string | null,
"voided_at": string | null
            }
                          SetofOptions: {
        from: "*"
        to: "invoices"
        isOneToOne: true
        isSetofReturn: false
      } },
"waitlist_position":
{ Args: { "p_registration_id": string }; Returns: number
                           },
"zoom_meeting_request":
{ Args: { "p_event_id": string,"p_session_id"?: string }; Returns: Json
                           }
          }
          Enums: {
            "appointment_status": "booked"|"cancelled"|"completed"|"no_show","blog_post_status": "draft"|"scheduled"|"published"|"archived","campaign_recipient_status": "queued"|"sent"|"failed"|"skipped"|"cancelled","campaign_status": "draft"|"scheduled"|"sending"|"sent"|"cancelled","car_condition": "new"|"used"|"certified_pre_owned"|"damaged","car_transmission": "manual"|"automatic"|"semi_automatic"|"cvt"|"dual_clutch","chat_participant_role": "member"|"staff","chat_thread_status": "open"|"closed","check_in_method": "qr"|"manual"|"offline"|"zoom","consent_method": "form"|"import"|"staff"|"unsubscribe_link"|"api","contact_activity_kind": "call"|"meeting"|"note"|"email"|"message","contact_channel": "email"|"sms"|"phone","content_flag_reason": "spam"|"harassment"|"hate"|"misinformation"|"off_topic"|"inappropriate"|"other","content_flag_resolution": "upheld"|"declined","course_status": "draft"|"published"|"archived","cpd_source": "event_attendance"|"course_completion"|"self_reported","dongle_connection_type": "BLE"|"WIFI"|"CLOUD","email_frequency": "instant"|"daily"|"weekly","email_status": "held"|"pending"|"sending"|"sent"|"failed"|"digested","enrollment_status": "pending_payment"|"active"|"completed"|"cancelled"|"refunded","event_format": "in_person"|"online"|"hybrid","event_status": "draft"|"published"|"completed"|"cancelled","expert_verification_status": "pending"|"approved"|"rejected","forum_moderation_state": "visible"|"hidden"|"removed","forum_thread_status": "open"|"resolved"|"closed","fuel_type": "gasoline"|"diesel"|"hybrid"|"plug_in_hybrid"|"electric"|"lpg"|"cng"|"hydrogen"|"other","invitation_status": "pending"|"accepted"|"declined","invoice_item_kind": "event_registration"|"course_enrollment"|"product"|"membership","invoice_status": "open"|"paid"|"void"|"expired"|"refunded"|"partially_refunded","listing_status": "pending"|"active"|"sold"|"archived","media_kind": "image"|"video"|"document","member_file_purpose": "receipt"|"photo"|"document"|"other","membership_status": "pending_payment"|"active"|"expired"|"refunded"|"cancelled","moderation_action_kind": "auto_hidden"|"approved"|"removed"|"flags_dismissed"|"suspended"|"suspension_lifted","odometer_unit": "km"|"mi","organization_kind": "company"|"training_provider"|"store","organization_role": "member"|"staff"|"admin"|"owner","part_condition": "new"|"refurbished"|"used","payment_provider": "stripe"|"faspay"|"manual","price_alert_kind": "listing"|"car_search"|"part_search","provider_event_status": "processed"|"ignored"|"unmatched","push_platform": "ios"|"android"|"web","question_kind": "single_choice"|"multiple_choice","referral_status": "pending"|"qualified"|"credited"|"reversed","refund_status": "requested"|"pending"|"succeeded"|"failed","registration_status": "pending_payment"|"confirmed"|"waitlisted"|"offered"|"cancelled"|"expired"|"refunded","seller_verification_request_status": "pending"|"approved"|"rejected"|"revoked","skill_level": "all_levels"|"beginner"|"intermediate"|"advanced","survey_question_type": "short_text"|"long_text"|"single_choice"|"multiple_choice"|"dropdown"|"rating"|"nps"|"number"|"date"|"yes_no"|"matrix"|"file_upload","survey_status": "draft"|"open"|"closed","verification_status": "unverified"|"pending"|"verified"|"rejected"
          }
          CompositeTypes: {
            "check_in_result": {
                        "result": string | null,"check_in_id": string | null,"registration_id": string | null,"event_id": string | null,"session_id": string | null,"user_id": string | null,"display_name": string | null,"checked_in_at": string | null,"client_ref": string | null
                      }
          }
        }
}

type DatabaseWithoutInternals = Omit<Database, '__InternalSupabase'>

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
  ? (DefaultSchema["Tables"] & DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
      Row: infer R
    }
    ? R
    : never
  : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Insert: infer I
    }
    ? I
    : never
  : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never = never
> = DefaultSchemaTableNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
  ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
      Update: infer U
    }
    ? U
    : never
  : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never = never
> = DefaultSchemaEnumNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
  ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
  : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never = never
> = PublicCompositeTypeNameOrOptions extends { schema: keyof DatabaseWithoutInternals }
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
  ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
  : never

export const Constants = {
  "graphql_public": {
          Enums: {
            
          }
        },"public": {
          Enums: {
            "appointment_status": ["booked", "cancelled", "completed", "no_show"],"blog_post_status": ["draft", "scheduled", "published", "archived"],"campaign_recipient_status": ["queued", "sent", "failed", "skipped", "cancelled"],"campaign_status": ["draft", "scheduled", "sending", "sent", "cancelled"],"car_condition": ["new", "used", "certified_pre_owned", "damaged"],"car_transmission": ["manual", "automatic", "semi_automatic", "cvt", "dual_clutch"],"chat_participant_role": ["member", "staff"],"chat_thread_status": ["open", "closed"],"check_in_method": ["qr", "manual", "offline", "zoom"],"consent_method": ["form", "import", "staff", "unsubscribe_link", "api"],"contact_activity_kind": ["call", "meeting", "note", "email", "message"],"contact_channel": ["email", "sms", "phone"],"content_flag_reason": ["spam", "harassment", "hate", "misinformation", "off_topic", "inappropriate", "other"],"content_flag_resolution": ["upheld", "declined"],"course_status": ["draft", "published", "archived"],"cpd_source": ["event_attendance", "course_completion", "self_reported"],"dongle_connection_type": ["BLE", "WIFI", "CLOUD"],"email_frequency": ["instant", "daily", "weekly"],"email_status": ["held", "pending", "sending", "sent", "failed", "digested"],"enrollment_status": ["pending_payment", "active", "completed", "cancelled", "refunded"],"event_format": ["in_person", "online", "hybrid"],"event_status": ["draft", "published", "completed", "cancelled"],"expert_verification_status": ["pending", "approved", "rejected"],"forum_moderation_state": ["visible", "hidden", "removed"],"forum_thread_status": ["open", "resolved", "closed"],"fuel_type": ["gasoline", "diesel", "hybrid", "plug_in_hybrid", "electric", "lpg", "cng", "hydrogen", "other"],"invitation_status": ["pending", "accepted", "declined"],"invoice_item_kind": ["event_registration", "course_enrollment", "product", "membership"],"invoice_status": ["open", "paid", "void", "expired", "refunded", "partially_refunded"],"listing_status": ["pending", "active", "sold", "archived"],"media_kind": ["image", "video", "document"],"member_file_purpose": ["receipt", "photo", "document", "other"],"membership_status": ["pending_payment", "active", "expired", "refunded", "cancelled"],"moderation_action_kind": ["auto_hidden", "approved", "removed", "flags_dismissed", "suspended", "suspension_lifted"],"odometer_unit": ["km", "mi"],"organization_kind": ["company", "training_provider", "store"],"organization_role": ["member", "staff", "admin", "owner"],"part_condition": ["new", "refurbished", "used"],"payment_provider": ["stripe", "faspay", "manual"],"price_alert_kind": ["listing", "car_search", "part_search"],"provider_event_status": ["processed", "ignored", "unmatched"],"push_platform": ["ios", "android", "web"],"question_kind": ["single_choice", "multiple_choice"],"referral_status": ["pending", "qualified", "credited", "reversed"],"refund_status": ["requested", "pending", "succeeded", "failed"],"registration_status": ["pending_payment", "confirmed", "waitlisted", "offered", "cancelled", "expired", "refunded"],"seller_verification_request_status": ["pending", "approved", "rejected", "revoked"],"skill_level": ["all_levels", "beginner", "intermediate", "advanced"],"survey_question_type": ["short_text", "long_text", "single_choice", "multiple_choice", "dropdown", "rating", "nps", "number", "date", "yes_no", "matrix", "file_upload"],"survey_status": ["draft", "open", "closed"],"verification_status": ["unverified", "pending", "verified", "rejected"]
          }
        }
} as const
